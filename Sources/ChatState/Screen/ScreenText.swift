/// Turns untrusted text (chat messages, names, topics) into cells that are safe to print:
/// whatever a peer sends, nothing reaching the terminal can be taken as a control sequence,
/// move the cursor, change the title or clipboard, reorder text, or hide a code point.
///
/// The rules, per grapheme:
/// - C0 controls and DEL are drawn in caret notation (`^[`, `^A`, `^?`), two cells in the
///   marker style (dim); that includes CR and LF: callers split lines first (`wrap(_:style:...)`
///   does), so a newline that reaches `cells` is shown, not obeyed.
/// - A tab becomes spaces up to the next multiple of `tabStop`, counted from `startColumn`.
/// - C1 controls, format characters (bidi embeddings, overrides and isolates, marks such as
///   U+200E/U+200F/U+061C, zero-width space/joiners, word joiner, BOM, tags...), line and
///   paragraph separators and the invisible Hangul fillers are drawn as `<U+XXXX>` in the
///   marker style. The exceptions are the joiners that make emoji: U+200D between two emoji,
///   and tag characters after U+1F3F4 (subdivision flags).
/// - A grapheme that would still be zero columns wide (a combining mark with no base) is drawn
///   on a dotted circle U+25CC, so every drawn cell advances the cursor as the model expects.
/// - A grapheme of a kind this terminal draws its own way (`WidthTable`, as measured at
///   start) is drawn the terminal's way: as its pieces, as a cell of the terminal's width, or,
///   when no cell can match the terminal, as a `?` marker.
/// - At most `maxScalarsPerGrapheme` scalars of one grapheme are kept; the rest (a "Zalgo"
///   stack of combining marks) are dropped so one grapheme cannot smear over other rows.
public enum ScreenText {
    public static let tabStop = 8
    public static let maxScalarsPerGrapheme = 16

    /// How escapes and markers look: the text's own style, dimmed.
    public static func markerStyle(_ style: Style) -> Style {
        var s = style
        s.dim = true
        return s
    }

    /// Safe cells for one line of text; each wide grapheme is followed by its continuation cell.
    public static func cells(_ text: String, style: Style = .plain, startColumn: Int = 0,
                             widths: WidthTable = .standard) -> [Cell] {
        var out = SafeCells(style: style, startColumn: startColumn, widths: widths)
        for ch in text {
            if let byte = ch.asciiValue, byte >= 0x20, byte < 0x7F {
                out.printableASCII(byte)
            } else if ch == "\t" {
                out.tab()
            } else {
                out.grapheme(ch.unicodeScalars)
            }
        }
        return out.cells
    }

    /// Splits text into lines at LF, CR LF or CR, then wraps each line with `wrap(_:width:indent:)`;
    /// every row after the very first is indented.
    public static func wrap(_ text: String, style: Style = .plain, width: Int, indent: Int = 0,
                            widths: WidthTable = .standard) -> [[Cell]] {
        var rows: [[Cell]] = []
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            rows += wrapRows(cells(String(line), style: style, widths: widths), width: width, indent: indent,
                             indentFirst: n > 0)
        }
        return rows
    }

    /// Wraps a line of cells into rows of at most `width` columns. Rows break after the last
    /// space when the next word does not fit (the space stays at the end of its row, or is
    /// dropped if it is the cell that overflows), and
    /// inside a word only when the word alone is too long. Continuation rows start with
    /// `indent` blank cells (clamped to leave at least one column). A wide grapheme never
    /// splits: it moves to the next row, or is drawn as a space if even an empty row is too
    /// narrow for it. Empty input gives one empty row.
    public static func wrap(_ cells: [Cell], width: Int, indent: Int = 0) -> [[Cell]] {
        wrapRows(cells, width: width, indent: indent, indentFirst: false)
    }

    private static func wrapRows(_ cells: [Cell], width: Int, indent: Int, indentFirst: Bool) -> [[Cell]] {
        let width = max(1, width)
        let indent = min(max(0, indent), width - 1)
        let indentCells = Array(repeating: Cell.blank, count: indent)
        var rows: [[Cell]] = []
        var row: [Cell] = indentFirst ? indentCells : []
        var rowWidth = row.count
        var contentStart = row.count
        var lastBreak: Int? = nil  // index just after the last space in this row's content

        var i = 0
        while i < cells.count {
            var cell = cells[i]
            i += 1
            if cell.width == 0 { continue }  // stray continuation: its wide cell was dropped
            var wide = cell.width == 2
            if wide, i < cells.count, cells[i].width == 0 { i += 1 }
            var cellWidth = wide ? 2 : 1
            if rowWidth + cellWidth > width, cell.isSpace, rowWidth > contentStart {
                // A space that would overflow is the break itself: it is not carried over.
                rows.append(row)
                row = indentCells
                rowWidth = indent
                contentStart = indent
                lastBreak = nil
                continue
            }
            while rowWidth + cellWidth > width {
                if rowWidth == contentStart {
                    // Even an empty row is too narrow for this wide grapheme.
                    cell = .blank(cell.style)
                    wide = false
                    cellWidth = 1
                    break
                }
                var next = indentCells
                if let b = lastBreak, b < row.count, indent + (row.count - b) + cellWidth <= width {
                    next += row[b...]
                    row.removeSubrange(b...)
                }
                rows.append(row)
                row = next
                rowWidth = row.count
                contentStart = indent
                lastBreak = nil
            }
            row.append(cell)
            if wide { row.append(.continuation(cell.style)) }
            rowWidth += cellWidth
            if !wide, cell.isSpace { lastBreak = row.count }
        }
        rows.append(row)
        return rows
    }
}

/// The accumulator behind `ScreenText.cells`.
private struct SafeCells {
    let style: Style
    let marker: Style
    let startColumn: Int
    let widths: WidthTable
    var cells: [Cell] = []
    /// `style` for a 1-column cell, packed once.
    private let look: Look

    init(style: Style, startColumn: Int, widths: WidthTable) {
        self.style = style
        self.widths = widths
        self.look = Look(width: 1, style: style)
        self.marker = ScreenText.markerStyle(style)
        self.startColumn = startColumn
    }

    mutating func tab() {
        let column = startColumn + cells.count
        let spaces = ScreenText.tabStop - column % ScreenText.tabStop
        cells += repeatElement(Cell.blank(style), count: spaces)
    }

    /// Most text: one cell, one column, nothing to check or shape.
    mutating func printableASCII(_ byte: UInt8) {
        cells.append(Cell(glyph: Glyph(bits: UInt64(byte)), look: look))
    }

    mutating func grapheme(_ scalars: Character.UnicodeScalarView) {
        var kept = String.UnicodeScalarView()
        var keptCount = 0
        let all = Array(scalars)
        for (k, s) in all.enumerated() {
            let v = s.value
            if v < 0x20 || v == 0x7F {
                flush(&kept, &keptCount)
                let shown = v == 0x7F ? "?" : String(Unicode.Scalar(UInt8(v) + 0x40))
                mark("^" + shown)
            } else if CharacterClass.isHiddenOnScreen(s) && !isEmojiJoiner(s, kept: kept, next: k + 1 < all.count ? all[k + 1] : nil) {
                flush(&kept, &keptCount)
                mark("<U+" + hex(v) + ">")
            } else if keptCount < ScreenText.maxScalarsPerGrapheme {
                kept.append(s)
                keptCount += 1
            }
        }
        flush(&kept, &keptCount)
    }

    private mutating func flush(_ kept: inout String.UnicodeScalarView, _ count: inout Int) {
        guard count > 0 else { return }
        // Removing a marked scalar can leave more than one grapheme behind.
        for ch in String(kept) {
            switch (TerminalWidth.of(ch), widths.rule(for: ch)) {
            case (0, _):
                let g = "\u{25CC}" + String(ch)
                append(g, width: min(2, max(1, TerminalWidth.of(g))))
            case (let w, nil):
                append(String(ch), width: w)
            case (_, .pieces?):
                for piece in WidthTable.pieces(of: ch) { append(piece.text, width: min(2, max(1, piece.width))) }
            case (_, .cell(let w)?):
                append(String(ch), width: min(2, max(1, w)))
            case (_, .marker?):
                mark("?")
            }
        }
        kept = String.UnicodeScalarView()
        count = 0
    }

    private mutating func append(_ g: String, width: Int) {
        cells.append(Cell(grapheme: g, width: UInt8(width), style: style))
        if width == 2 { cells.append(.continuation(style)) }
    }

    private mutating func mark(_ text: String) {
        for ch in text { cells.append(Cell(grapheme: String(ch), width: 1, style: marker)) }
    }

    private func isEmojiJoiner(_ s: Unicode.Scalar, kept: String.UnicodeScalarView, next: Unicode.Scalar?) -> Bool {
        switch s.value {
        case 0x200D:
            guard let before = kept.last(where: { $0.value != 0xFE0F }), let next else { return false }
            return CharacterClass.isEmoji(before) && CharacterClass.isEmoji(next)
        case 0xE0020...0xE007F:
            return kept.first?.value == 0x1F3F4
        default:
            return false
        }
    }

    private func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
