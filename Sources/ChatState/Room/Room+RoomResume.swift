/// Rooms besides `#general` resumed without a gap after a reconnect (issue #14; docs/PROTOCOL.md
/// "Rooms", "Rejoining after a reconnect"). A reconnected client goes back into its rooms with
/// `/join` Commands, each saying in `after` the newest entry of that room it has shown. After the
/// `Join` the server answers with a `Resumed` naming the room, as `#general`'s resume answers:
/// every entry after `after` and before the rejoin's own, within the same bound
/// (`Limits.resumeMaxMissed` entries and `Limits.resumeMaxBytes`; past it the newest
/// `Limits.historyPage` and, in `skipped`, how many more). Memory holds a room's latest
/// `Limits.otherRoomMemoryEntries`: anything older is asked of the store
/// (`Effect.queryHistory`), whose answer comes back as `Event.historyAnswered`.
struct RoomCatchUp: Sendable {
    let room: String
    let after: Int64
    /// The rejoin's own entry: what the member missed ends before it, what it is sent live
    /// begins after it.
    let before: Int64
    /// The session its `Resume` named: its own chats in the answer are marked, not shown twice.
    let session: UID

    var missed: Int { Int(clamping: max(0, before - 1 - after)) }
}

extension Room {
    /// A room's clientID for a chat typed there by a resuming session: `SESSION/0`, since a `Say`
    /// has no id of its own. It marks the chat as the session's in a rejoin's answer, and never
    /// reaches `chatSessions` (rebuilt from `#general`'s entries alone).
    static func sayClientID(_ session: UID?) -> String? { session.map { ChatSessions.clientID($0, 0) } }

    /// What a rejoining member missed in room `name`, sent now from memory or once the store answers.
    mutating func catchUp(_ name: String, after: Int64, before: Int64, session: UID, for conn: ConnID,
                          _ out: inout StepOutput) {
        guard let log = rooms[name]?.log, let uid = connections[conn]?.uid else { return }
        // An `after` the room never reached says nothing of it (a client's mistake, or a log
        // that started again): the latest page, as a join gets.
        // What came before a drop of the room's name is not this room's (`RoomDrop`).
        let from = max(after < before ? after : max(0, before - 1 - Int64(Limits.historyPage)), log.firstSeq - 1)
        let want = RoomCatchUp(room: name, after: from, before: before, session: session)
        if want.missed > Limits.resumeMaxMissed {
            if let page = log.page(before: before, limit: Limits.historyPage) { return caughtUp(want, page.entries, to: conn, &out) }
            return ask(.before(seq: before), room: name, limit: Limits.historyPage, for: conn, uid, .roomResume(want), &out)
        }
        if let held = log.all(after: from, before: before) { return caughtUp(want, held, to: conn, &out) }
        out.log("\(conn) rejoins #\(name) having missed \(want.missed) entries, more than memory holds: asked of the room log")
        ask(.after(seq: from), room: name, limit: want.missed, for: conn, uid, .roomResume(want), &out)
    }

    /// The answer: the missed entries (from memory or the store) as one `Resumed` of the room,
    /// split as any is. Nothing if the member left the room while the store answered.
    func caughtUp(_ want: RoomCatchUp, _ found: [RoomEntry], to conn: ConnID, _ out: inout StepOutput) {
        guard connections[conn]?.rooms.contains(want.room) == true else { return }
        let entries = Self.newest(found.filter { $0.seq > want.after && $0.seq < want.before }, within: Limits.resumeMaxBytes)
        let ownIDs = entries.map { e -> Int64? in
            guard let (s, id) = ChatSessions.parse(e.clientID), s == want.session else { return nil }
            return id
        }
        let part = ResumedPart(room: want.room, lastChat: 0, skipped: max(0, want.missed - entries.count),
                               through: want.before - 1, entries: entries, ownIDs: ownIDs, done: true, log: logID)
        for frame in ExtensionCodec.frames(part) { out.send(frame, to: [conn]) }
    }
}
