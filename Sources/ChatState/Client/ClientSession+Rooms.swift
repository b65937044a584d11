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
    /// The oldest entry of each room its join's history showed: the rest of a history too big
    /// for one frame comes after it, older, and goes in front of the room's buffer.
    var oldest: [String: Int64] = [:]
    /// Rooms whose join's history (a `History`, or a rejoin's `Resumed`) has not all come yet:
    /// their live lines wait behind it (`ClientSession+RoomResume.swift`).
    var catching: [String: RoomCatching] = [:]
    /// Our `/join`s not answered yet, and chats typed for rooms still catching up: held until
    /// they can go to their room (`ClientSession+JoinPending.swift`).
    var joining: [PendingJoin] = []
    var typed: [String: [String]] = [:]

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
        guard let conn, !rooms.joined.isEmpty || !rooms.joining.isEmpty else { return }
        guard negotiatedRooms else {
            out.show(.notice("In #general only now: this server has no rooms."))
            for line in pendingRoomLines { out.show(.notice("Not sent: " + line.text)) }
            rooms = ClientRooms()
            return
        }
        rooms.rejoining = Set(rooms.joined)
        for room in rooms.joined {
            // The newest entry we showed of it: the server answers with every entry after it.
            out.send(ExtensionCodec.frame(.command(line: "/join #" + room, after: rooms.newest[room])), to: [conn])
        }
        // The /joins a cut left unanswered, asked again: what was typed for them waits still.
        for pending in rooms.joining { out.send(ExtensionCodec.frame(.command(line: "/join #" + pending.room)), to: [conn]) }
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
                rooms.catching[j.room] = RoomCatching(after: rooms.newest[j.room], joinSeq: j.seq)
                rooms.oldest[j.room] = nil
                let count = j.whole?.members.count ?? 1
                if rooms.rejoining.remove(j.room) != nil {
                    out.show(tagged(.notice("Back in #\(j.room) (\(RoomsOnScreen.members(count)))."), j.room))
                } else {
                    joinAnswered(j.room)
                    rooms.current = j.room
                    out.show(RoomsOnScreen.youJoined(j.room, members: count))
                }
                if let topic = j.whole?.topic { out.show(RoomsOnScreen.topic(topic, in: j.room)) }
            } else {
                if rooms.members[j.room]?.contains(where: { $0.uid == j.member.uid }) == false { rooms.members[j.room]!.append(j.member) }
                showLive(RoomsOnScreen.arrived(j.member.name, in: j.room, at: j.wallMillis), seq: j.seq, &out)
            }
        case let .part(room, uid, name, seq, wallMillis):
            if uid == me {
                left(room, &out)
            } else {
                rooms.members[room]?.removeAll { $0.uid == uid }
                showLive(RoomsOnScreen.went(name, from: room, at: wallMillis), seq: seq, &out)
            }
        case let .dropped(drop, uid, _):
            if uid == me { dropped(drop, &out) }
        case let .roomEntry(uid, entry):
            if ignored.contains(uid), entry.kind == .chat || entry.kind == .action { return true }
            showLive(RoomsOnScreen.live(entry), seq: entry.seq, &out)
        case .rooms(let list):
            out.show(answer(list.count == 1 ? "1 room:" : "\(list.count) rooms:"))
            for r in list { out.show(answer(TextRules.cleanText(r.line))) }
        case let .history(room, entries, _) where room != RoomName.general:
            guard rooms.catching[room] == nil else { return caughtUp(room, entries, ownIDs: [], skipped: 0, done: true, &out) }
            if let oldest = rooms.oldest[room] {
                // The rest of a join's history too big for one frame, newest frames first: each
                // older than what is shown, so in front of it (a later frame of the same read
                // in front of an earlier one), as a page of `#general` is.
                let older = entries.filter { $0.seq < oldest }
                out.olderLines = older.map { tagged($0.displayLine, room) } + out.olderLines
                if let first = older.first { rooms.oldest[room] = first.seq }
                return true
            }
            let shown = rooms.newest[room]
            for entry in entries where shown.map({ entry.seq > $0 }) ?? true { out.show(tagged(entry.displayLine, room)) }
            if let newest = entries.map(\.seq).max() { rooms.saw(newest, in: room) }
        case .resumed(let part) where part.room != RoomName.general:
            guard rooms.catching[part.room] != nil else { out.log("ignored a Resumed of #\(part.room), which we are not rejoining"); return true }
            return caughtUp(part.room, part.entries, ownIDs: part.ownIDs, skipped: part.skipped, done: part.done, &out)
        default:
            return false
        }
        return true
    }

    /// A fresh table (a rename comes as one): the rooms' member lists take its names and
    /// colours, so the members pane of every room shows the new name. A member the table does
    /// not list (a short table, in a big room) keeps the name it had. Each list is rewritten in
    /// place, so the order the rooms are visited in does not matter.
    mutating func renameRoomMembers() {
        for room in rooms.joined {
            guard let list = rooms.members[room] else { continue }
            rooms.members[room] = list.map { m in
                byUID[m.uid].map { RoomMember(uid: m.uid, name: $0.username, color: RGB.cleaned($0.color)) } ?? m
            }
        }
    }

    /// A line of a room besides `#general`, for that room's buffer.
    func tagged(_ line: DisplayLine, _ room: String) -> DisplayLine { RoomsOnScreen.tagged(line, room) }

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
