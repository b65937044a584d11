/// Who is here, beside the history: how many, then the names in their colours (on the chat's
/// white, as in their lines), in the order of the server's table (the host first), as many as
/// fit and a count of the rest. Hidden on a screen narrower than `UIState.membersMinCols`.
/// As in weechat's nicklist, an op's name has `@` before it and an away member's is dimmed
/// (grey, its colour dropped): on a pychat server, which says who is which (`Marks`).
public struct MembersPane: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var color: RGB
        public var op: Bool
        public var away: Bool

        public init(_ name: String, _ color: RGB, op: Bool = false, away: Bool = false) {
            self.name = name
            self.color = color
            self.op = op
            self.away = away
        }
    }

    /// At most the rows that can show: a frame never costs the whole room.
    public var names: [Entry]
    /// The room's size, which may be more than the names (a short table in a big room).
    public var count: Int

    public init(names: [Entry] = [], count: Int = 0) {
        self.names = names
        self.count = count
    }

    func draw(in box: ChatView.Box, _ frame: inout Frame) {
        guard box.rows > 2, box.cols > 2 else { return }
        for r in box.top..<(box.top + box.rows) {
            frame.fill(row: r, col: box.left, count: 1, with: Cell(grapheme: "│", width: 1))
        }
        let left = box.left + 2, width = box.cols - 3
        frame.put(count == 1 ? "1 here" : "\(count) here", row: box.top + 1, col: left, width: width, style: Style(bold: true))
        // Rows for names: below the heading, above the history's bottom border row.
        let rows = box.rows - 3
        let everyone = count <= rows && names.count >= count
        let shown = everyone ? min(names.count, rows) : min(names.count, max(0, rows - 1))
        for (n, member) in names.prefix(shown).enumerated() {
            let style = member.away ? LineFormat.quietStyle
                : Style(foreground: .rgb(member.color.r, member.color.g, member.color.b), background: ChatView.chatBackground)
            frame.put((member.op ? "@" : "") + member.name, row: box.top + 2 + n, col: left, width: width, style: style)
        }
        if !everyone {
            frame.put("and \(count - shown) more", row: box.top + 2 + shown, col: left, width: width, style: LineFormat.quietStyle)
        }
    }
}

extension ChatApp {
    /// The members pane's contents: only the names that can show.
    var membersPane: MembersPane {
        guard let ui, ui.showsMembers else { return MembersPane() }
        let rows = max(0, ui.size.rows - UIState.inputPaneRows)
        if let room {
            if let pane = room.hostRoomPane(rows: rows) { return pane }
            return MembersPane(names: room.members.prefix(rows).map(room.paneEntry), count: room.members.count)
        }
        if let pane = roomMembersPane(rows: rows) { return pane }
        let session = session!
        let names = session.users.prefix(rows).map {
            MembersPane.Entry($0.user.username, RGB.cleaned($0.user.color), op: session.marks.ops.contains($0.key),
                              away: session.marks.away.contains($0.key))
        }
        return MembersPane(names: names, count: session.roomSize ?? session.users.count)
    }
}

extension KeyHelp {
    /// The keys over the history pane, F1 to go back.
    static func draw(in box: ChatView.Box, _ frame: inout Frame) {
        guard box.rows > 0, box.cols > 0 else { return }
        var lines = ["Keys (F1 or Esc: back to the chat)", ""]
        lines += entries.map { $0.keys + ": " + $0.what }
        var row = box.top
        for (n, line) in lines.enumerated() {
            for cells in ScreenText.wrap(line, style: n == 0 ? Style(bold: true) : .plain, width: box.cols, indent: 2) {
                guard row < box.top + box.rows else { return }
                frame.put(cells: cells, row: row, col: box.left, width: box.cols)
                row += 1
            }
        }
    }
}
