/// Feature `resume` on the server's side (issue #13, docs/PROTOCOL.md "Resume"). A member that
/// negotiated it is stamped from its join, but sent its history only when its `Resume` names its
/// session and the newest entry it saw: then it gets what it missed (up to
/// `Limits.resumeMaxMissed`), from memory, and the last chat id the room has from its session.
/// Its chats come as `Chat` with ids that grow; one the room already has is not relayed again,
/// and each is acknowledged with its entry's sequence number.
extension Room {
    mutating func resume(session: UID, after: Int64?, log seen: String? = nil, from conn: ConnID, _ out: inout StepOutput) {
        guard let c = connections[conn], c.member != nil, c.wantsResume, c.session == nil else {
            let why = connections[conn]?.session != nil ? "a second Resume"
                : connections[conn]?.member == nil ? "Resume before JoinRequest" : "Resume without the resume feature"
            violation(conn, why, &out)
            return
        }
        connections[conn]!.session = session
        chatSessions.heard(session)
        let before = c.historyBefore
        let lastChat = chatSessions.last(session)?.id ?? 0
        var entries: [RoomEntry], skipped = 0
        // Numbers of another log (an ephemeral server that started again from 1) say nothing
        // of this one: the latest page, as a first join gets.
        let sameLog = seen == nil || logID == nil || seen == logID
        if !sameLog { out.log("\(conn) resumes a log that is not this one; sent the latest entries") }
        if let after, after < before, sameLog {
            let missed = Int(clamping: before - 1 - after)
            entries = log.entries(after: after, before: before)
            if missed > Limits.resumeMaxMissed { entries = Array(entries.suffix(Limits.historyPage)) }
            entries = Self.newest(entries, within: Limits.resumeMaxBytes)
            skipped = missed - entries.count
        } else {
            // A first join, or a member that saw more than this log holds (a server without a
            // log that restarted): the latest page, as any joiner gets.
            entries = log.entries(after: 0, before: before).suffix(Limits.historyPage)
        }
        let ownIDs = entries.map { e -> Int64? in
            guard let (s, id) = ChatSessions.parse(e.clientID), s == session else { return nil }
            return id
        }
        let part = ResumedPart(room: log.room, lastChat: lastChat, skipped: skipped, through: before - 1,
                               entries: entries, ownIDs: ownIDs, done: true, log: logID)
        for frame in ExtensionCodec.frames(part) { out.send(frame, to: [conn]) }
    }

    /// The newest of `entries` whose JSON fits in `budget` bytes (at least one), oldest first.
    static func newest(_ entries: [RoomEntry], within budget: Int) -> [RoomEntry] {
        var used = 0, start = entries.count
        while start > 0 {
            used += ExtensionCodec.entrySize(entries[start - 1]) + 2
            if used > budget && start < entries.count { break }
            start -= 1
        }
        return Array(entries[start...])
    }

    /// A `Chat`: relayed as every chat is (the others get the original's ChatMessage), unless
    /// the room has it already; acknowledged to its sender either way. nil: acted on; otherwise
    /// the sender is over its chat rate and this is the wait (see `Room+Flood.swift`).
    mutating func chat(id: Int64, text raw: String, from conn: ConnID, _ out: inout StepOutput) -> Int64? {
        guard let c = connections[conn], let member = c.member, c.wantsResume, let session = c.session else {
            violation(conn, connections[conn]?.session == nil ? "Chat before Resume" : "Chat without the resume feature", &out)
            return nil
        }
        if let last = chatSessions.last(session), id <= last.id {
            out.log("chat \(id) from \(conn) was received before; not relayed again")
            out.send(ExtensionCodec.frame(.ack(id: id, seq: id == last.id ? last.seq : 0)), to: [conn])
            return nil
        }
        if let wait = takeChatToken(conn) { return wait }
        // The same path as a ChatMessage's: the same checks, the same relay.
        let seq = relay(raw, from: member, clientID: ChatSessions.clientID(session, id), &out)?.seq ?? 0
        // A refused or blank chat is settled too: the sender must not hold it for ever.
        chatSessions.note(session, id: id, seq: seq)
        out.send(ExtensionCodec.frame(.ack(id: id, seq: seq)), to: [conn])
        return nil
    }
}
