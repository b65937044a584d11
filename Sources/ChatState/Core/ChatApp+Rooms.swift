/// Rooms on the screen (feature `rooms`), a client's or the host's: the keys that switch rooms,
/// the history pane following the current room, the status line, the title's room and the
/// members of the room shown. The session (or the host's side of the room) decides where chats
/// go; the UI only follows it.
extension ChatApp {
    /// The rooms of the one at this screen, and the one it talks in (nil: `#general`): a
    /// client's, or the host's (`Room+HostRooms`); nil for a server with no host user.
    var screenRooms: (joined: [String], current: String?)? {
        // Read through `room?.`: `if let room` would copy the whole room on every step.
        if room != nil { return room?.host == nil ? nil : (room!.hostRooms.joined, room!.hostRooms.current) }
        // Not `session.map`: that binds a copy of the whole session to read two fields.
        return session == nil ? nil : (session!.rooms.joined, session!.rooms.current)
    }

    /// Alt-digit, Alt-Left and Alt-Right: the session (or the host) switches, the UI follows (in
    /// `present`). False for any other key, or with no rooms to switch among.
    mutating func roomKey(_ key: Key, _ out: inout StepOutput) -> Bool {
        switch key {
        case .altDigit, .altLeft, .altRight: break
        default: return false
        }
        guard let rooms = screenRooms, !rooms.joined.isEmpty else { return false }
        // A number with no room is the key's still: Alt-9 among three rooms does nothing.
        guard let target = RoomsOnScreen.room(for: key, from: rooms.current, of: rooms.joined), target != rooms.current else { return true }
        if room != nil { room!.hostShows(target, &out) } else { session!.switchRoom(to: target, &out) }
        return true
    }

    /// Shows the current room, and drops the buffers of rooms left.
    mutating func followRooms() {
        guard hasUI, let rooms = screenRooms else { return }
        // Most steps: the same room shown, no other room's buffer, and the shown one (if any)
        // still joined. Then nothing is gone, as the sets below would find, without building them.
        let shown = ui!.rooms
        if shown.current == rooms.current, shown.others.isEmpty,
           shown.current.map({ $0 == RoomName.general || rooms.joined.contains($0) }) ?? true { return }
        // The room shown is no buffer of `others`, but may be the one just left.
        let kept = Set(ui!.rooms.others.keys).union(ui!.rooms.current.map { [$0] } ?? []).subtracting([RoomName.general])
        let gone = kept.subtracting(rooms.joined)
        if ui!.rooms.current != rooms.current || !gone.isEmpty { ui!.showRoom(rooms.current, forgetting: gone) }
    }

    /// The room a line belongs in: its own, or (this program's notices) the one shown.
    func room(of line: DisplayLine) -> String {
        if line.kind == .notice { return ui?.rooms.current ?? RoomName.general }
        return line.room ?? RoomName.general
    }

    /// `1 #general  2 #rust (3)  3 #go (2, 1 @)`, the shown room in brackets: empty while the
    /// client is in no room besides `#general`.
    var roomStatus: String {
        guard let ui, let rooms = screenRooms, !rooms.joined.isEmpty else { return "" }
        return ([RoomName.general] + rooms.joined).enumerated().map { n, name in
            let label = "\(n + 1) #\(name)"
            if name == (ui.rooms.current ?? RoomName.general) { return "[\(label)]" }
            let (lines, mentions) = ui.rooms.unread(name)
            if lines == 0 { return label }
            return label + (mentions > 0 ? " (\(lines), \(mentions) @)" : " (\(lines))")
        }.joined(separator: "  ")
    }

    /// The room shown, for the title: nil while in no room besides `#general`.
    var shownRoom: String? {
        guard let rooms = screenRooms, !rooms.joined.isEmpty else { return nil }
        return "#" + (rooms.current ?? RoomName.general)
    }

    /// The members pane of a room besides `#general`: its members, in order of joining.
    func roomMembersPane(rows: Int) -> MembersPane? {
        guard let session, let room = session.rooms.current, let members = session.rooms.members[room] else { return nil }
        // Ops and away marks are server-wide: the same in every room.
        let names = members.prefix(rows).map {
            MembersPane.Entry(TextRules.cleanText($0.name), $0.color, op: session.marks.ops.contains($0.uid),
                              away: session.marks.away.contains($0.uid))
        }
        return MembersPane(names: names, count: members.count)
    }
}
