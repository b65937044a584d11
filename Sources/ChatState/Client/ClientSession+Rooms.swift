/// Rooms on a pychat client's side (feature `rooms`, docs/PROTOCOL.md "Rooms"). The client is
/// always in `#general`, and in the rooms it joined; it talks in one of them, the current room:
/// `/join #rust` goes into `#rust` (or back to it, if already in) and makes it current, `/join
/// #general` goes back to `#general`, `/part` leaves the current room. Chats typed go to the
/// current room (`#general`'s as the original's ChatMessage, another's as `Say`), and commands
/// carry the room they were typed in.
///
/// Each line of a room besides `#general` carries the room (`DisplayLine.room`): the UI keeps a
/// buffer per room, a headless transcript tags the line (`[#rust] bob: hi`).
public struct ClientRooms: Equatable, Sendable {
    /// The rooms besides `#general` we are in, in order of joining.
    public internal(set) var joined: [String] = []
    /// The room we talk in; nil: `#general`.
    public internal(set) var current: String?
    /// Each joined room's members, in order of joining (`#general`'s are the user table).
    public internal(set) var members: [String: [RoomMember]] = [:]
    /// Rooms asked for again after a reconnect, whose `Join` has not come back yet: it does not
    /// change the room we talk in.
    var rejoining: Set<String> = []
    /// The newest entry of each room we were shown: a room's history after a rejoin shows only
    /// what came after it (what we missed, up to a page), never a line twice.
    var newest: [String: Int64] = [:]

    mutating func saw(_ seq: Int64, in room: String) {
        newest[room] = max(newest[room] ?? seq, seq)
    }
}

extension ClientSession {
    var negotiatedRooms: Bool { negotiatedCommands && common?.has(Capabilities.Feature.rooms) == true }

    /// `/join` and `/part` on the client's side: switching among joined rooms is ours alone;
    /// nil: for the server (the line goes as a `Command`).
    mutating func roomCommand(_ command: ChatCommand, _ out: inout StepOutput) -> Bool {
        guard negotiatedRooms, case .join(let typed) = command, case .success(let name) = RoomName.read(typed) else { return false }
        if name == RoomName.general {
            switchRoom(to: nil, &out)
            return true
        }
        guard rooms.joined.contains(name) else { return false }
        switchRoom(to: name, &out)
        return true
    }

    /// A room command on a server without rooms: the one line saying so.
    func roomsRefusal(_ command: ChatCommand) -> String? {
        switch command {
        case .join, .part, .rooms:
            guard negotiatedCommands, !negotiatedRooms else { return nil }
            return "/\(command.name) needs a server with rooms: this pychat server has only #general."
        default:
            return nil
        }
    }

    /// After a rejoin: back into the rooms we were in (the server forgot them with our old
    /// connection), in the order we joined them, the room we talk in staying so.
    mutating func rejoinRooms(_ out: inout StepOutput) {
        guard let conn, !rooms.joined.isEmpty else { return }
        guard negotiatedRooms else {
            out.show(.notice("In #general only now: this server has no rooms."))
            rooms = ClientRooms()
            return
        }
        rooms.rejoining = Set(rooms.joined)
        for room in rooms.joined {
            out.send(ExtensionCodec.frame(.command(line: "/join #" + room)), to: [conn])
        }
    }

    mutating func switchRoom(to name: String?, _ out: inout StepOutput) {
        rooms.current = name
        out.show(RoomsOnScreen.talking(in: name))
    }

    /// A `rooms` message, or a `History` of a room besides `#general`; false for any other.
    mutating func received(rooms message: ExtensionMessage, _ out: inout StepOutput) -> Bool {
        switch message {
        case .join(let j):
            // Our own join's number comes after what we missed: only others' lines count as seen.
            if j.member.uid == me {
                if !rooms.joined.contains(j.room) { rooms.joined.append(j.room) }
                rooms.members[j.room] = j.whole?.members ?? [j.member]
                let count = j.whole?.members.count ?? 1
                if rooms.rejoining.remove(j.room) != nil {
                    out.show(tagged(.notice("Back in #\(j.room) (\(RoomsOnScreen.members(count)))."), j.room))
                } else {
                    rooms.current = j.room
                    out.show(RoomsOnScreen.youJoined(j.room, members: count))
                }
                if let topic = j.whole?.topic { out.show(RoomsOnScreen.topic(topic, in: j.room)) }
            } else {
                rooms.saw(j.seq, in: j.room)
                if rooms.members[j.room]?.contains(where: { $0.uid == j.member.uid }) == false { rooms.members[j.room]!.append(j.member) }
                out.show(RoomsOnScreen.arrived(j.member.name, in: j.room, at: j.wallMillis))
            }
        case let .part(room, uid, name, seq, wallMillis):
            if uid == me {
                rooms.joined.removeAll { $0 == room }
                rooms.members[room] = nil
                rooms.newest[room] = nil
                if rooms.current == room { rooms.current = nil }
                out.show(RoomsOnScreen.youLeft(room, talkingIn: rooms.current))
            } else {
                rooms.saw(seq, in: room)
                rooms.members[room]?.removeAll { $0.uid == uid }
                out.show(RoomsOnScreen.went(name, from: room, at: wallMillis))
            }
        case let .roomEntry(uid, entry):
            if ignored.contains(uid), entry.kind == .chat || entry.kind == .action { return true }
            rooms.saw(entry.seq, in: entry.room)
            out.show(RoomsOnScreen.live(entry))
        case .rooms(let list):
            out.show(answer(list.count == 1 ? "1 room:" : "\(list.count) rooms:"))
            for r in list { out.show(answer(TextRules.cleanText(r.line))) }
        case let .history(room, entries, _) where room != RoomName.general:
            let shown = rooms.newest[room]
            for entry in entries where shown.map({ entry.seq > $0 }) ?? true { out.show(tagged(entry.displayLine, room)) }
            if let newest = entries.map(\.seq).max() { rooms.saw(newest, in: room) }
        default:
            return false
        }
        return true
    }

    /// A line of a room besides `#general`, for that room's buffer.
    private func tagged(_ line: DisplayLine, _ room: String) -> DisplayLine { RoomsOnScreen.tagged(line, room) }

    /// An answer to what the user typed: shown in the room it was typed in.
    func answer(_ text: String) -> DisplayLine {
        var line = DisplayLine.system(text)
        line.room = rooms.current
        return line
    }

    /// Our chat in the current room besides `#general`: shown tagged, sent as a `Say`.
    mutating func sayInRoom(_ text: String, _ room: String, show: Bool, _ out: inout StepOutput) {
        guard let conn else { return }
        if show { out.show(tagged(ownLine(text), room)) }
        out.send(ExtensionCodec.frame(.say(room: room, text: text)), to: [conn])
    }
}
