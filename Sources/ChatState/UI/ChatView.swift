/// The pure view: UI state in, a whole screen out. PyChat's layout: the history pane on top,
/// a 5-row input pane at the bottom, a border around the focused pane; chat lines as the
/// name right-aligned in 10 columns, a colon, two spaces and the text, in the sender's colour
/// on white, wrapped lines indented under the text.
public enum ChatView {
    public static let nameColumns = 10
    /// Smallest screen the layout fits in; below it the screen says so.
    public static let minCols = 20
    public static let minRows = UIState.inputPaneRows + 3

    public static let placeholderUnfocused = "This is where you type your message. Press `tab` to rotate focus."
    public static let placeholderFocused = "Begin typing your message... Press `return` to send."

    static let chatBackground = Color.rgb(255, 255, 255)
    static let placeholderStyle = Style(foreground: .rgb(0x55, 0x55, 0x55))
    static let markerStyle = Style(reverse: true)

    /// `title` is drawn in the top row: who we are and where (the app decides the words).
    /// `status`: the rooms, drawn in the input pane's top row (empty: none besides `#general`).
    public static func render(_ ui: UIState, title: String = "", members: MembersPane = MembersPane(), status: String = "") -> Frame {
        var cache = WrapCache()
        return render(ui, title: title, members: members, status: status, cache: &cache)
    }

    /// The same frame, reusing the rows `cache` kept from the previous one (and keeping this
    /// frame's): what a renderer that draws frame after frame calls.
    public static func render(_ ui: UIState, title: String = "", members: MembersPane = MembersPane(),
                              status: String = "", cache: inout WrapCache) -> Frame {
        let cols = ui.size.cols, rows = ui.size.rows
        var frame = Frame(cols: cols, rows: rows)
        frame.widths = ui.format.widths
        guard cols >= minCols, rows >= minRows else {
            tooSmall(&frame)
            return frame
        }
        let history = historyBox(ui)
        let input = Box(top: history.rows, left: 0, rows: UIState.inputPaneRows, cols: cols)
        if ui.focus == .history { history.drawBorder(&frame) }
        if ui.focus == .input { input.drawBorder(&frame) }
        if ui.showsMembers {
            members.draw(in: Box(top: 0, left: history.cols, rows: history.rows, cols: cols - history.cols), &frame)
        }
        // First, so that a narrow screen still says how to get back.
        let title = ui.context == nil ? title : "in context · " + ContextView.back + (title.isEmpty ? "" : " · " + title)
        if !title.isEmpty {
            frame.put(" \(title) ", row: 0, col: 2, width: history.cols - 4, style: Style(bold: true))
        }
        if !status.isEmpty {
            frame.put(" \(status) ", row: input.top, col: 2, width: cols - 4, style: Style(bold: true))
        }
        if ui.showsHelp {
            KeyHelp.draw(in: history.inside, &frame)
        } else if ui.context != nil {
            // The cache knows the live lines by their places: the context's lines are others.
            var scratch = WrapCache()
            drawHistory(ui.shownInHistoryPane, in: history.inside, &frame, &scratch)
        } else {
            drawHistory(ui, in: history.inside, &frame, &cache)
        }
        drawInput(ui, in: input.inside, &frame)
        return frame
    }

    /// The history pane, border included: all but the input pane and the members pane.
    static func historyBox(_ ui: UIState) -> Box {
        Box(top: 0, left: 0, rows: ui.size.rows - UIState.inputPaneRows, cols: ui.historyCols)
    }

    /// A rectangle of the screen; its inside leaves one cell for the border all round, drawn
    /// or not, so text does not move when focus does.
    struct Box {
        var top: Int, left: Int, rows: Int, cols: Int

        var inside: Box { Box(top: top + 1, left: left + 1, rows: max(0, rows - 2), cols: max(0, cols - 2)) }

        func drawBorder(_ frame: inout Frame) {
            let bottom = top + rows - 1, right = left + cols - 1
            drawEdge(&frame, row: top, Border.topLeft, Border.topRight)
            drawEdge(&frame, row: bottom, Border.bottomLeft, Border.bottomRight)
            for r in (top + 1)..<bottom {
                frame.fill(row: r, col: left, count: 1, with: Border.vertical)
                frame.fill(row: r, col: right, count: 1, with: Border.vertical)
            }
        }

        private func drawEdge(_ frame: inout Frame, row: Int, _ leftCorner: Cell, _ rightCorner: Cell) {
            frame.fill(row: row, col: left, count: 1, with: leftCorner)
            frame.fill(row: row, col: left + 1, count: cols - 2, with: Border.horizontal)
            frame.fill(row: row, col: left + cols - 1, count: 1, with: rightCorner)
        }
    }

    /// The border's cells, made once: a frame's border is filled in, not shaped from text.
    private enum Border {
        static let horizontal = Cell(grapheme: "─", width: 1)
        static let vertical = Cell(grapheme: "│", width: 1)
        static let topLeft = Cell(grapheme: "┌", width: 1)
        static let topRight = Cell(grapheme: "┐", width: 1)
        static let bottomLeft = Cell(grapheme: "└", width: 1)
        static let bottomRight = Cell(grapheme: "┘", width: 1)
    }

    private static func tooSmall(_ frame: inout Frame) {
        guard frame.rows > 0, frame.cols > 0 else { return }
        let message = "Terminal too small: \(frame.cols)x\(frame.rows), need \(minCols)x\(minRows)"
        let rows = ScreenText.wrap(message, width: frame.cols)
        for (n, row) in rows.prefix(frame.rows).enumerated() {
            frame.put(cells: row, row: n, col: 0)
        }
    }

    // MARK: History

    /// The rows of history line `i`, the "new since you were here" line included when it is
    /// above this one.
    static func rows(at i: Int, of history: History, width: Int, format: LineFormat) -> [[Cell]] {
        let rows = rows(of: history[i], width: width, format: format)
        guard history.sequenceNumber(of: i) == format.readMarker else { return rows }
        return ScreenText.wrap(Away.marker, style: markerStyle, width: width, widths: format.widths) + rows
    }

    /// The rows one history line takes at this width, already styled: its time (when shown),
    /// then the line; every row after the first starts under the text.
    static func rows(of line: DisplayLine, width: Int, format: LineFormat = LineFormat(timestamps: false)) -> [[Cell]] {
        let stamp = format.stamp(line)
        let stampWidth = stamp.count
        let textLines = line.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        switch line.kind {
        case .system, .notice:
            let style = line.quiet ? LineFormat.quietStyle : Style.plain
            let indent = stampWidth + 2
            var rows: [[Cell]] = []
            for (n, text) in textLines.enumerated() {
                let lead = n == 0 ? stamp : Array(repeating: Cell.blank, count: indent)
                let cells = ScreenText.cells(String(text), style: style, startColumn: lead.count, widths: format.widths)
                rows += ScreenText.wrap(lead + cells, width: width, indent: indent)
            }
            return rows
        case let .chat(name, color):
            // A pending line (typed while disconnected, not sent yet) is dimmed; a mention stands out.
            let background = line.mentionsMe ? LineFormat.mentionBackground : chatBackground
            let style = Style(foreground: .rgb(color.r, color.g, color.b), background: background, bold: line.mentionsMe,
                              dim: line.pending)
            var prefix = ScreenText.cells(name, style: style, widths: format.widths)
            let nameWidth = prefix.reduce(0) { $0 + Int($1.width) }
            if nameWidth < nameColumns {
                prefix = Array(repeating: .blank(style), count: nameColumns - nameWidth) + prefix
            }
            prefix = stamp + prefix + ScreenText.cells(":  ", style: style)
            let indent = min(stampWidth + max(nameColumns, nameWidth) + 3, max(0, width - 1))
            let indentCells = Array(repeating: Cell.blank, count: min(stampWidth, indent))
                + Array(repeating: Cell.blank(style), count: max(0, indent - stampWidth))
            var rows: [[Cell]] = []
            for (n, text) in textLines.enumerated() {
                // Every text line after the first, and every wrapped row, starts under the text.
                let lead = n == 0 ? prefix : indentCells
                let cells = lead + ScreenText.cells(String(text), style: style, startColumn: indent, widths: format.widths)
                rows += ScreenText.wrap(cells, width: width, indent: indent).map {
                    recolourIndent($0, style, from: stampWidth)
                }
            }
            return rows
        }
    }

    /// `ScreenText.wrap` indents with plain blanks; a chat message is one coloured block (the
    /// time column of its first row aside).
    private static func recolourIndent(_ row: [Cell], _ style: Style, from start: Int) -> [Cell] {
        var row = row
        for i in row.indices.dropFirst(min(start, row.count)) {
            guard row[i] == .blank else { break }
            row[i] = .blank(style)
        }
        return row
    }

    private static func drawHistory(_ ui: UIState, in box: Box, _ frame: inout Frame, _ cache: inout WrapCache) {
        guard box.rows > 0, box.cols > 0 else { return }
        var height = box.rows
        if ui.scrollOffset > 0 {
            // The bottom row tells the reader that there is more below, and how much is new.
            let marker = ui.unseen > 0
                ? " \(ui.unseen) new line\(ui.unseen == 1 ? "" : "s") below — End to jump "
                : " more below — End to jump "
            frame.fill(row: box.top + box.rows - 1, col: box.left, count: box.cols, style: markerStyle)
            frame.put(marker, row: box.top + box.rows - 1, col: box.left, width: box.cols, style: markerStyle)
            height -= 1
        }
        // Only the lines that can show are wrapped, from the newest in view upwards; those
        // the cache kept from the last frame are only copied.
        let lines = cache.linesInView(
            of: ui.history, last: ui.history.count - 1 - ui.scrollOffset, height: height, width: box.cols,
            format: ui.format)
        // The oldest line's first rows may not fit, unless the view is scrolled all the way up:
        // then the oldest line is at the top and the newest in view may be cut at the bottom.
        // Like the original, a history shorter than the pane starts at its top.
        var skip = ui.showsOldestAtTop ? 0 : max(0, lines.reduce(0) { $0 + $1.count } - height)
        var row = box.top
        for line in lines {
            for cells in line {
                if skip > 0 {
                    skip -= 1
                    continue
                }
                guard row < box.top + height else { return }
                frame.put(cells: cells, row: row, col: box.left, width: box.cols)
                row += 1
            }
        }
    }

    // MARK: Input

    private static func drawInput(_ ui: UIState, in box: Box, _ frame: inout Frame) {
        guard box.rows > 0, box.cols > 0 else { return }
        var box = box
        if let query = ui.recall.query, box.rows > 1 {
            // Ctrl-R: what is searched for on the first row, what it found below.
            frame.fill(row: box.top, col: box.left, count: box.cols, style: markerStyle)
            frame.put("search sent messages: " + query, row: box.top, col: box.left, width: box.cols, style: markerStyle)
            box = Box(top: box.top + 1, left: box.left, rows: box.rows - 1, cols: box.cols)
        }
        if ui.input.isEmpty {
            let hint = ui.focus == .input ? placeholderFocused : placeholderUnfocused
            let hintRows = ScreenText.wrap(hint, style: placeholderStyle, width: box.cols, widths: frame.widths)
            for (n, row) in hintRows.prefix(box.rows).enumerated() {
                frame.put(cells: row, row: box.top + n, col: box.left, width: box.cols)
            }
            if ui.focus == .input { frame.cursor = Frame.Position(row: box.top, col: box.left) }
            return
        }
        let layout = InputLayout(ui.input, width: box.cols, widths: frame.widths)
        // Keep the cursor's row in view: scroll the input by whole rows.
        let first = max(0, min(layout.cursor.row - box.rows + 1, layout.rows.count - box.rows))
        let firstShown = min(first, layout.cursor.row)
        for (n, row) in layout.rows.dropFirst(firstShown).prefix(box.rows).enumerated() {
            frame.put(cells: row, row: box.top + n, col: box.left, width: box.cols)
        }
        if ui.focus == .input {
            frame.cursor = Frame.Position(row: box.top + layout.cursor.row - firstShown, col: box.left + layout.cursor.col)
        }
    }
}

/// The input text laid out in rows of a given width, hard-wrapped by grapheme, with the
/// screen position of the cursor. (Typed text is wrapped where it reaches the edge, so the
/// cursor never jumps as a word is completed.)
struct InputLayout {
    var rows: [[Cell]] = [[]]
    var cursor = (row: 0, col: 0)

    init(_ input: InputBuffer, width: Int, widths: WidthTable) {
        var col = 0
        for (i, ch) in input.characters.enumerated() {
            let isBreak = ch == "\n" || ch == "\r\n"
            let cells = isBreak ? [] : ScreenText.cells(String(ch), startColumn: col, widths: widths)
            let w = cells.reduce(0) { $0 + Int($1.width) }
            // Wrap before a grapheme that does not fit, and before a cursor at a full row's end.
            if col > 0, (col + w > width && !isBreak) || (i == input.cursor && col >= width) {
                rows.append([])
                col = 0
            }
            if i == input.cursor { cursor = (rows.count - 1, col) }
            if isBreak {
                rows.append([])
                col = 0
            } else {
                rows[rows.count - 1] += cells
                col += w
            }
        }
        if input.cursor == input.characters.count {
            if col >= width {
                rows.append([])
                col = 0
            }
            cursor = (rows.count - 1, col)
        }
    }
}
