/// A buffer per room (feature `rooms`), as weechat and irssi keep one per channel: the history
/// pane shows the current room's; a line of another room goes into that room's buffer and
/// counts there as unread (and as a mention, if it names the user) until the user switches to
/// it (Alt-digit, Alt-Left/Right, `/join`). The status line lists the rooms with their counts.
public struct RoomBuffers: Equatable, Sendable {
    /// One room's lines and place while another is shown.
    public struct Buffer: Equatable, Sendable {
        var history: History
        var scrollOffset = 0
        var unseen = 0
        var newestDay: Int64?
        /// Lines that came while it was not shown, and of them those naming the user.
        public internal(set) var unread = 0
        public internal(set) var mentions = 0
        /// Where "new since you were here" goes when it is shown again (`History.sequenceNumber`):
        /// above the first line that came while it was not shown (issue #15).
        public internal(set) var marker: Int?
        /// The next line that comes moves the marker: it is not shown (or the server came back).
        var markNext = false
    }

    /// The room shown; nil: `#general`.
    public internal(set) var current: String?
    /// Every other room's buffer, by name (`#general`'s as `RoomName.general`).
    public internal(set) var others: [String: Buffer] = [:]

    public init() {}

    public func unread(_ room: String) -> (lines: Int, mentions: Int) {
        others[room].map { ($0.unread, $0.mentions) } ?? (0, 0)
    }
}

extension UIState {
    /// A line for the room it belongs to: the shown room's goes into the history pane as ever.
    mutating func append(_ line: DisplayLine, toRoom room: String) {
        guard room != (rooms.current ?? RoomName.general) else { return append(line) }
        var b = rooms.others[room] ?? RoomBuffers.Buffer(history: History(capacity: history.capacity))
        if let dayLine = format.dayLine(before: line, newestDay: &b.newestDay) { b.history.append(dayLine) }
        b.history.append(line)
        // What is missed after a reconnect comes from the log, and is new all the same.
        if b.markNext, line.kind != .notice {
            b.marker = b.history.sequenceNumber(of: b.history.count - 1)
            b.markNext = false
        }
        if !line.fromLog, line.kind != .notice {
            b.unread += 1
            if line.mentionsMe { b.mentions += 1 }
        }
        rooms.others[room] = b
    }

    /// Older lines of a room (its page, or the rest of its join's history) in front of its
    /// buffer, whether or not it is the one shown.
    mutating func prepend(_ older: [DisplayLine], toRoom room: String) {
        guard room != (rooms.current ?? RoomName.general) else { return prepend(older) }
        var b = rooms.others[room] ?? RoomBuffers.Buffer(history: History(capacity: history.capacity))
        Self.prepend(older, to: &b.history, newestDay: &b.newestDay, format: format)
        rooms.others[room] = b
    }

    /// Shows another room's buffer, keeping the one shown for when the user comes back; a
    /// room left (`forgetting`) loses its buffer.
    mutating func showRoom(_ room: String?, forgetting gone: Set<String> = []) {
        let from = rooms.current ?? RoomName.general, to = room ?? RoomName.general
        for name in gone { rooms.others[name] = nil }
        guard from != to else { return }
        if !gone.contains(from) {
            // Whatever comes in it from now until it is shown again is new.
            rooms.others[from] = RoomBuffers.Buffer(history: history, scrollOffset: scrollOffset, unseen: unseen,
                                                    newestDay: newestDay, marker: away.markerAt, markNext: true)
        }
        let b = rooms.others.removeValue(forKey: to) ?? RoomBuffers.Buffer(history: History(capacity: history.capacity))
        history = b.history
        scrollOffset = b.scrollOffset
        unseen = b.unseen
        newestDay = b.newestDay
        rooms.current = room
        // The marker is the shown buffer's: its own, where it was left or where its new lines begin.
        away.show(marker: b.marker)
        format.readMarker = away.markerAt
    }

    /// The server is back: in every room, what comes next (what was missed, then live) is new.
    mutating func markEveryRoomsNextLine() {
        away.markNextLine()
        rooms.others = rooms.others.mapValues { b in
            var b = b
            b.markNext = true
            return b
        }
    }
}
