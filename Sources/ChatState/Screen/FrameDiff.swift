/// Terminal bytes that turn the screen showing `previous` into `next` (ratatui's model).
///
/// - The output is wrapped in synchronized-output mode (`ESC[?2026h` … `ESC[?2026l`), so a
///   terminal that supports it shows the whole update at once.
/// - With no previous frame, or a size change, it resets the style, clears the screen
///   (`ESC[0m ESC[2J`) and draws every cell that is not a default blank.
/// - Otherwise only changed cells are written. The cursor is moved with CUP only when the
///   next changed cell is not where the cursor already is; a short gap of unchanged cells in
///   the current style is re-written instead when that is no longer than the CUP.
/// - SGR is sent only when the style changes, as one reset-and-set sequence; a render never
///   leaves a non-default style behind, so every render starts from the default style.
/// - A changed wide cell repaints what it covered: if a wide grapheme was replaced, the
///   cell after it is written too (the terminal blanked it along with the wide glyph).
/// - The cursor ends at `next.cursor` and is shown (`ESC[?25h`), or hidden (`ESC[?25l`) when
///   that is nil; visibility is only sent when it changes (always after a full redraw).
/// - If nothing changed (same cells, same cursor) the output is empty: no bytes at all.
/// - When a block of rows reappears moved up (the history pane scrolling as a line
///   arrives), the terminal is told to scroll that region (DECSTBM, then SU) and only what is
///   still different afterwards is written: about one line's worth, as ncurses would.
public enum FrameDiff {
    public static func render(previous: Frame?, next: Frame, colors: ColorMode) -> [UInt8] {
        var w = Writer(colors: colors, cols: next.cols)
        let full = previous.map { $0.cols != next.cols || $0.rows != next.rows } ?? true
        w.out.reserveCapacity(full ? next.cells.count + 64 : 256)
        w.out += syncBegin
        if full {
            w.out += reset
            w.out += clear
        } else {
            w.cursor = previous?.cursor
        }
        let bodyStart = w.out.count

        let cols = next.cols
        var old = previous?.cells ?? []
        if !full, let scroll = Scroll.find(old: old, new: next.cells, cols: cols, rows: next.rows) {
            w.scroll(scroll)
            scroll.apply(to: &old, cols: cols)
        }
        for r in 0..<next.rows {
            var invalidated = 0
            var toSkip = 0
            for c in 0..<cols {
                let i = r * cols + c
                let cur = next.cells[i]
                let was = full ? Cell.blank : old[i]
                if toSkip == 0, cur.width != 0, invalidated > 0 || w.differs(cur, was) {
                    w.write(next.cells, row: r, col: c)
                }
                toSkip = max(0, Int(cur.width) - 1)
                invalidated = max(Int(max(cur.width, was.width)), invalidated) - 1
            }
        }

        let visibleBefore = full ? nil : previous?.cursor
        if let want = next.cursor {
            let target = Frame.Position(
                row: min(max(0, want.row), max(0, next.rows - 1)),
                col: min(max(0, want.col), max(0, next.cols - 1)))
            if w.cursor != target { w.moveTo(target.row, target.col) }
            if full || visibleBefore == nil { w.out += showCursor }
        } else if full || visibleBefore != nil {
            w.out += hideCursor
        }
        if w.pen != .plain { w.setPen(.plain) }

        if !full && w.out.count == bodyStart { return [] }
        w.out += syncEnd
        return w.out
    }

    static let syncBegin: [UInt8] = Array("\u{1b}[?2026h".utf8)
    static let syncEnd: [UInt8] = Array("\u{1b}[?2026l".utf8)
    static let reset: [UInt8] = Array("\u{1b}[0m".utf8)
    static let clear: [UInt8] = Array("\u{1b}[2J".utf8)
    static let showCursor: [UInt8] = Array("\u{1b}[?25h".utf8)
    static let hideCursor: [UInt8] = Array("\u{1b}[?25l".utf8)
}

/// Rows `top...bottom` of the screen moved up by `by` rows: what a terminal does for
/// `CSI top;bottom r` then `CSI by S`, the rows scrolled in at the bottom blank.
struct Scroll: Equatable {
    var top: Int, bottom: Int, by: Int

    /// Scrolling pays only when it saves rewriting several rows.
    static let minRowsSaved = 3
    static let maxDistance = 8

    /// The shift that lets the most changed rows of `new` be had by scrolling `old`. Rows are
    /// compared by hash first; the chosen region is then checked cell by cell.
    static func find(old: [Cell], new: [Cell], cols: Int, rows: Int) -> Scroll? {
        guard cols > 0, rows > minRowsSaved else { return nil }
        func row(_ cells: [Cell], _ r: Int) -> ArraySlice<Cell> { cells[(r * cols)..<((r + 1) * cols)] }
        // FNV-1a over each cell's bytes: far cheaper than Hasher on Strings (which normalizes),
        // and only a filter: the chosen region is compared cell by cell below.
        func hashes(_ cells: [Cell]) -> [UInt64] {
            (0..<rows).map { r in
                var h: UInt64 = 0xCBF2_9CE4_8422_2325
                func mix(_ b: UInt64) { h = (h ^ b) &* 0x0000_0100_0000_01B3 }
                for cell in row(cells, r) {
                    for b in cell.grapheme.utf8 { mix(UInt64(b)) }
                    mix(UInt64(cell.width))
                    mix(cell.style.fingerprint)
                }
                return h
            }
        }
        // Most frames change a row or two (a key typed): no scroll can pay, and no hashing is done.
        let changed = (0..<rows).map { row(old, $0) != row(new, $0) }
        guard changed.filter({ $0 }).count >= minRowsSaved else { return nil }
        let oldHash = hashes(old), newHash = hashes(new)
        var best: (scroll: Scroll, saved: Int)?
        for k in 1...min(maxDistance, rows - 1) {
            var start = 0, saved = 0
            for r in 0...(rows - k) {
                if r < rows - k, newHash[r] == oldHash[r + k] {
                    if changed[r] { saved += 1 }
                    continue
                }
                if saved > (best?.saved ?? minRowsSaved - 1), r - 1 >= start {
                    best = (Scroll(top: start, bottom: r - 1 + k, by: k), saved)
                }
                start = r + 1
                saved = 0
            }
        }
        guard let s = best?.scroll else { return nil }
        for r in s.top...(s.bottom - s.by) where row(new, r) != row(old, r + s.by) { return nil }
        return s
    }

    /// The model of the terminal after the scroll.
    func apply(to cells: inout [Cell], cols: Int) {
        for r in top...bottom {
            let from = r + by
            for c in 0..<cols {
                cells[r * cols + c] = from <= bottom ? cells[from * cols + c] : .blank
            }
        }
    }
}

/// Output buffer plus what the terminal currently has: pen style and cursor position.
private struct Writer {
    let colors: ColorMode
    let cols: Int
    var out: [UInt8] = []
    /// The effective style the terminal draws with now.
    var pen = Style.plain
    /// Where the terminal cursor is, if known (unknown after writing the last column, where
    /// terminals differ on the pending wrap).
    var cursor: Frame.Position?

    init(colors: ColorMode, cols: Int) {
        self.colors = colors
        self.cols = cols
    }

    func effective(_ s: Style) -> Style {
        guard colors == .none else { return s }
        var e = s
        e.foreground = .default
        e.background = .default
        return e
    }

    func differs(_ a: Cell, _ b: Cell) -> Bool {
        guard a != b else { return false }
        if colors == .none {
            return a.grapheme != b.grapheme || a.width != b.width || effective(a.style) != effective(b.style)
        }
        return true
    }

    mutating func write(_ cells: [Cell], row: Int, col: Int) {
        let cell = cells[row * cols + col]
        if let at = cursor, at.row == row, at.col < col, gapIsCheaper(cells, row: row, from: at.col, to: col) {
            for c in at.col..<col where cells[row * cols + c].width != 0 {
                out.append(contentsOf: cells[row * cols + c].grapheme.utf8)
            }
        } else if cursor != Frame.Position(row: row, col: col) {
            moveTo(row, col)
        }
        let style = effective(cell.style)
        if style != pen { setPen(style) }
        out.append(contentsOf: cell.grapheme.utf8)
        let end = col + Int(cell.width)
        cursor = end < cols ? Frame.Position(row: row, col: end) : nil
    }

    /// Re-writing the unchanged cells in between is allowed when they need no style change
    /// and take no more bytes than the cursor move would.
    private func gapIsCheaper(_ cells: [Cell], row: Int, from: Int, to: Int) -> Bool {
        let budget = cupLength(row, to)
        var bytes = 0
        // A cursor left inside a wide grapheme (a previous frame's cursor) cannot resume there.
        if cells[row * cols + from].width == 0 { return false }
        for c in from..<to {
            let cell = cells[row * cols + c]
            if cell.width == 0 { continue }
            if effective(cell.style) != pen { return false }
            bytes += cell.grapheme.utf8.count
            if bytes > budget { return false }
        }
        return true
    }

    /// Scrolls a region; the blank rows it brings in take the current background, so the
    /// pen is reset first. DECSTBM homes the cursor, so its position is unknown afterwards.
    mutating func scroll(_ s: Scroll) {
        if pen != .plain { setPen(.plain) }
        out += [0x1b, 0x5b]
        appendDecimal(s.top + 1)
        out.append(0x3b)
        appendDecimal(s.bottom + 1)
        out += [0x72, 0x1b, 0x5b]  // r, then CSI
        appendDecimal(s.by)
        out += [0x53, 0x1b, 0x5b, 0x72]  // S, then CSI r: the whole screen scrolls again
        cursor = nil
    }

    mutating func moveTo(_ row: Int, _ col: Int) {
        out += [0x1b, 0x5b]
        appendDecimal(row + 1)
        out.append(0x3b)
        appendDecimal(col + 1)
        out.append(0x48)
        cursor = Frame.Position(row: row, col: col)
    }

    private func cupLength(_ row: Int, _ col: Int) -> Int {
        4 + digits(row + 1) + digits(col + 1)
    }

    private func digits(_ n: Int) -> Int {
        var n = n, d = 1
        while n >= 10 { n /= 10; d += 1 }
        return d
    }

    mutating func setPen(_ s: Style) {
        out += [0x1b, 0x5b, 0x30]  // ESC [ 0
        if s.bold { out += [0x3b, 0x31] }
        if s.dim { out += [0x3b, 0x32] }
        if s.reverse { out += [0x3b, 0x37] }
        color(s.foreground, base: 38)
        color(s.background, base: 48)
        out.append(0x6d)
        pen = s
    }

    private mutating func color(_ c: Color, base: Int) {
        guard case let .rgb(r, g, b) = c else { return }
        switch colors {
        case .none:
            return
        case .trueColor:
            out.append(0x3b)
            appendDecimal(base)
            out += [0x3b, 0x32]
            for v in [r, g, b] {
                out.append(0x3b)
                appendDecimal(Int(v))
            }
        case .palette256:
            out.append(0x3b)
            appendDecimal(base)
            out += [0x3b, 0x35, 0x3b]
            appendDecimal(Int(ColorMode.paletteIndex(r, g, b)))
        }
    }

    private mutating func appendDecimal(_ n: Int) {
        if n >= 10 { appendDecimal(n / 10) }
        out.append(0x30 + UInt8(n % 10))
    }
}
