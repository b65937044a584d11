/// What the one at a screen is shown of its own rooms besides `#general` (feature `rooms`), a
/// pychat client's (`ClientSession+Rooms`) or the host's (`Room+HostRooms`): one wording and one
/// numbering for both, so the host's screen reads as a client's does.
enum RoomsOnScreen {
    /// A line of a room besides `#general`, for that room's buffer (a transcript tags it `[#rust]`).
    static func tagged(_ line: DisplayLine, _ room: String, at wallMillis: Int64? = nil) -> DisplayLine {
        var line = line
        line.room = room
        if let wallMillis { line.time = wallMillis }
        return line
    }

    static func members(_ count: Int) -> String { count == 1 ? "1 member" : "\(count) members" }

    static func youJoined(_ room: String, members count: Int) -> DisplayLine {
        .notice("You joined #\(room) (\(members(count))); talking in it now.")
    }

    static func youLeft(_ room: String, talkingIn current: String?) -> DisplayLine {
        .notice("You left #\(room); talking in #\(current ?? RoomName.general) now.")
    }

    static func talking(in room: String?) -> DisplayLine { .notice("Talking in #\(room ?? RoomName.general) now.") }

    static func topic(_ topic: String, in room: String) -> DisplayLine {
        tagged(.system(TextRules.cleanText("The topic: \(topic)")), room)
    }

    /// Someone else came into one of our rooms, or left it.
    static func arrived(_ name: String, in room: String, at wallMillis: Int64) -> DisplayLine {
        tagged(.system(TextRules.cleanText("\(name) joined")), room, at: wallMillis)
    }

    static func went(_ name: String, from room: String, at wallMillis: Int64) -> DisplayLine {
        tagged(.system(TextRules.cleanText("\(name) left")), room, at: wallMillis)
    }

    /// An entry of a room that happened while we were in it (not one of its log's).
    static func live(_ entry: RoomEntry) -> DisplayLine {
        var line = entry.displayLine
        line.fromLog = false
        return tagged(line, entry.room)
    }

    /// The room a key shows, as the status line numbers them (1: `#general`, then the rooms
    /// joined, in order): Alt-1 to Alt-9 (Alt-0: the tenth), Alt-Left and Alt-Right the previous
    /// and next, round and round. nil: another key, or no room with that number; `.some(nil)`:
    /// `#general`.
    static func room(for key: Key, from current: String?, of joined: [String]) -> String?? {
        let count = joined.count + 1
        let n: Int
        switch key {
        case .altDigit(let digit): n = digit == 0 ? 10 : digit
        case .altLeft, .altRight:
            let at = current.flatMap { joined.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            n = (at + (key == .altLeft ? -1 : 1) + count) % count + 1
        default: return nil
        }
        guard n >= 1, n <= count else { return nil }
        return .some(n == 1 ? nil : joined[n - 2])
    }
}
