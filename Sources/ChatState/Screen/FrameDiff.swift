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
        var w = Writer(colors: colors, frame: next)
        let full = previous.map { $0.cols != next.cols || $0.rows != next.rows } ?? true
        w.out.reserveCapacity(full ? next.grid.count + 64 : 256)
        w.out += syncBegin
        if full {
            w.out += reset
            w.out += clear
        } else {
            w.cursor = previous?.cursor
        }
        let bodyStart = w.out.count

        // Which row of `previous` the terminal shows at each row (nil: a blank one, as after
        // the clear), and whether that differs from the row of `next`. Rows that do not
        // differ are skipped whole.
        var shown: [Int?] = (0..<next.rows).map { full ? nil : $0 }
        var changed = (0..<next.rows).map { full || !next.sameRow($0, as: $0, in: previous!) }
        if !full, let scroll = Scroll.find(old: previous!, new: next, changed: changed) {
            w.scroll(scroll)
            for r in scroll.top...scroll.bottom {
                let from = r + scroll.by
                shown[r] = from <= scroll.bottom ? from : nil
                changed[r] = from > scroll.bottom  // the rows moved are the ones wanted there
            }
        }
        let old = previous ?? next
        let cols = next.cols
        for r in 0..<next.rows where changed[r] {
            var invalidated = 0
            var toSkip = 0
            for c in 0..<cols {
                let cur = next.grid[r * cols + c]
                let was = shown[r].map { old.grid[$0 * cols + c] } ?? .blank
                if toSkip == 0, cur.look.width != 0, invalidated > 0 || w.differs(cur, was, in: old) {
                    w.write(row: r, col: c)
                }
                toSkip = max(0, Int(cur.look.width) - 1)
                invalidated = max(Int(max(cur.look.width, was.look.width)), invalidated) - 1
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
        if w.pen != .plainPen { w.setPen(.plainPen) }

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

/// Output buffer plus what the terminal currently has: pen style and cursor position.
private struct Writer {
    let colors: ColorMode
    /// The frame being drawn.
    let frame: Frame
    let cols: Int
    var out: [UInt8] = []
    /// The effective style the terminal draws with now.
    var pen = Look.plainPen
    /// Where the terminal cursor is, if known (unknown after writing the last column, where
    /// terminals differ on the pending wrap).
    var cursor: Frame.Position?

    init(colors: ColorMode, frame: Frame) {
        self.colors = colors
        self.frame = frame
        self.cols = frame.cols
    }

    /// The pen a look needs: its style, less the colours when none are sent.
    func effective(_ look: Look) -> Look {
        colors == .none ? look.attributes : look.pen
    }

    /// Whether `cur` of the frame must be written over `was`, a cell of `old`.
    func differs(_ cur: PackedCell, _ was: PackedCell, in old: Frame) -> Bool {
        if cur == was, !cur.glyph.isLong { return false }
        let looksDiffer = colors == .none ? cur.look.withoutColors != was.look.withoutColors : cur.look != was.look
        return looksDiffer || !PackedCell.sameGlyph(cur, in: frame.clusters, was, in: old.clusters)
    }

    mutating func write(row: Int, col: Int) {
        let i = row * cols + col
        let look = frame.grid[i].look
        if let at = cursor, at.row == row, at.col < col, gapIsCheaper(row: row, from: at.col, to: col) {
            for c in at.col..<col where frame.grid[row * cols + c].look.width != 0 {
                frame.appendGrapheme(at: row * cols + c, to: &out)
            }
        } else if cursor != Frame.Position(row: row, col: col) {
            moveTo(row, col)
        }
        let style = effective(look)
        if style != pen { setPen(style) }
        frame.appendGrapheme(at: i, to: &out)
        let end = col + Int(look.width)
        cursor = end < cols ? Frame.Position(row: row, col: end) : nil
    }

    /// Re-writing the unchanged cells in between is allowed when they need no style change
    /// and take no more bytes than the cursor move would.
    private func gapIsCheaper(row: Int, from: Int, to: Int) -> Bool {
        let budget = cupLength(row, to)
        var bytes = 0
        // A cursor left inside a wide grapheme (a previous frame's cursor) cannot resume there.
        if frame.grid[row * cols + from].look.width == 0 { return false }
        for c in from..<to {
            let look = frame.grid[row * cols + c].look
            if look.width == 0 { continue }
            if effective(look) != pen { return false }
            bytes += frame.graphemeBytes(at: row * cols + c)
            if bytes > budget { return false }
        }
        return true
    }

    /// Scrolls a region; the blank rows it brings in take the current background, so the
    /// pen is reset first. DECSTBM homes the cursor, so its position is unknown afterwards.
    mutating func scroll(_ s: Scroll) {
        if pen != .plainPen { setPen(.plainPen) }
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

    mutating func setPen(_ look: Look) {
        let s = look.style
        out += [0x1b, 0x5b, 0x30]  // ESC [ 0
        if s.bold { out += [0x3b, 0x31] }
        if s.dim { out += [0x3b, 0x32] }
        if s.reverse { out += [0x3b, 0x37] }
        color(s.foreground, base: 38)
        color(s.background, base: 48)
        out.append(0x6d)
        pen = look
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
