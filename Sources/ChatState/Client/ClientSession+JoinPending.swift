/// Lines typed right after `/join #rust` go to `#rust` (issue #14). The room is the server's to
/// make or refuse, so until our `Join` of it comes back, and the room's history after it, what
/// we type is held, shown as pending (`(pending for #rust) hi`), and sent to the room once its
/// history is shown, so it comes after the history as it would have had we waited. A refusal
/// (the `Notice` that names the room it refuses: answers to other commands typed before are
/// no refusal) sends none of them, and says so, line by line. A cut keeps them: the `/join` is
/// sent again after the rejoin.
///
/// A `Say` is never sent for a room we are not in; should one cross a part or a deletion on the
/// wire, the server answers it with a `Notice`, not a protocol error (`Room.say`).
struct PendingJoin: Equatable, Sendable {
    /// The room as typed, folded as a name is (`#Rust` is `rust`; the server may fold a
    /// look-alike further, and its `Join` names the room).
    let room: String
    /// What was typed since, in order.
    var texts: [String] = []
}

extension ClientSession {
    /// Our `/join` of a room we are not in was sent: hold what is typed until it is answered.
    mutating func noteJoining(_ command: ChatCommand) {
        guard negotiatedRooms, case .join(let typed) = command, case .success(let name) = RoomName.read(typed),
              name != RoomName.general, !rooms.joined.contains(name) else { return }
        rooms.joining.append(PendingJoin(room: name))
    }

    /// A chat typed while a `/join` is unanswered, or while the room we talk in is catching up
    /// after our join: held for it (true), to be sent once it can be.
    mutating func heldForRoom(_ text: String) -> Bool {
        if !rooms.joining.isEmpty {
            rooms.joining[rooms.joining.count - 1].texts.append(text)
            return true
        }
        guard let room = rooms.current, rooms.catching[room] != nil else { return false }
        rooms.typed[room, default: []].append(text)
        return true
    }

    /// Our `Join` of a room we asked for (not a rejoin): what was typed for it waits for its history.
    mutating func joinAnswered(_ room: String) {
        guard !rooms.joining.isEmpty else { return }
        let pending = rooms.joining.removeFirst()
        if !pending.texts.isEmpty { rooms.typed[room, default: []] += pending.texts }
    }

    /// The room caught up: what was typed for it is sent now, in order, and shown as ours.
    mutating func sendTyped(in room: String, _ out: inout StepOutput) {
        guard let texts = rooms.typed.removeValue(forKey: room) else { return }
        for text in texts { sayInRoom(text, room, show: true, &out) }
    }

    /// The server refused our `/join` of `room`: what was typed for it is not sent.
    mutating func joinRefused(_ room: String, _ out: inout StepOutput) {
        guard let at = rooms.joining.firstIndex(where: { $0.room == room }) else { return }
        let pending = rooms.joining.remove(at: at)
        for text in pending.texts { out.show(answer("Not sent, as #\(pending.room) was not joined: \(text)")) }
    }

    /// The held lines as the screen shows them below the history, dimmed: the rooms we are in
    /// first, in order of joining, then those we are joining.
    var pendingRoomLines: [DisplayLine] {
        // Drawn with every frame: nothing to build in the usual case.
        guard !rooms.joining.isEmpty || !rooms.typed.isEmpty else { return [] }
        let held = rooms.joined.flatMap { room in (rooms.typed[room] ?? []).map { (room, $0) } }
            + rooms.joining.flatMap { p in p.texts.map { (p.room, $0) } }
        return held.map { room, text in
            var line = ownLine("(pending for #\(room)) " + text)
            line.pending = true
            return line
        }
    }
}
