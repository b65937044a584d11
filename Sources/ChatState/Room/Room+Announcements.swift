/// Join and leave lines: shown here at once, batched on their way to the members.
extension Room {
    /// Shows a join or leave here at once; sends it to the members at once if none was sent
    /// lately, else queues it for the announcement timer. Only the network is batched: the
    /// host's screen and the transcript keep one exact line per join and leave.
    /// `entry` is the join's or leave's in the room log: its stamp goes before the line.
    mutating func queueAnnouncement(joined isJoin: Bool, _ name: String, _ entry: RoomEntry, _ out: inout StepOutput) {
        let text = Self.announcement(joined: isJoin, [name])
        out.show(.system(text))
        if announceScheduled {
            pendingAnnouncements.append((isJoin, name, entry))
            return
        }
        broadcast(text, stamp: entry, &out)
        broadcastRoomSize(&out)
        announceScheduled = true
        out.effects.append(.setTimer(.announce, millis: Limits.announceMillis))
    }

    /// One line for each run of joins or of leaves queued since the last announcement.
    mutating func announcePending(_ out: inout StepOutput) {
        announceScheduled = false
        guard !pendingAnnouncements.isEmpty else { return }
        var start = 0
        while start < pendingAnnouncements.count {
            let kind = pendingAnnouncements[start].joined
            var end = start
            while end < pendingAnnouncements.count, pendingAnnouncements[end].joined == kind { end += 1 }
            // One line for the run: its stamp is the newest entry it announces.
            let newest = pendingAnnouncements[end - 1].entry
            broadcast(Self.announcement(joined: kind, pendingAnnouncements[start..<end].map(\.name)),
                      stamp: newest, to: notCovering(newest.seq), &out)
            start = end
        }
        pendingAnnouncements = []
        broadcastRoomSize(&out)
        announceScheduled = true
        out.effects.append(.setTimer(.announce, millis: Limits.announceMillis))
    }

    /// "alice joined the chat", "alice and bob left the chat", "alice, bob and 40 others
    /// joined the chat".
    static func announcement(joined: Bool, _ names: [String]) -> String {
        let what = joined ? "joined the chat" : "left the chat"
        let list: String
        switch names.count {
        case 1: list = names[0]
        case 2...Limits.announcedNames: list = names.dropLast().joined(separator: ", ") + " and " + names.last!
        default: list = "\(names[0]), \(names[1]) and \(names.count - 2) others"
        }
        return list + " " + what
    }

    func broadcast(_ text: String, stamp entry: RoomEntry, to conns: [ConnID]? = nil, _ out: inout StepOutput) {
        let conns = conns ?? joined
        stamp(entry, to: stampRecipients(conns), &out)
        out.send(FrameCodec.frame(.system(text: text)), to: conns)
    }

    /// The members whose history on joining does not hold entry `seq`. A member that left and
    /// came back while its leave was held for the timer has it in its history already (its
    /// `History` or `Resumed`): sent the held line too, it would read "alice left the chat" twice.
    /// The first entry after `conn`'s history on joining (0: it was sent none); held
    /// announcements of older entries are not sent to it (see `notCovering`).
    public func joinHistoryEnd(of conn: ConnID) -> Int64 { connections[conn]?.historyBefore ?? 0 }

    func notCovering(_ seq: Int64) -> [ConnID] {
        guard historyListeners > 0 else { return joined }
        return joined.filter { (connections[$0]?.historyBefore ?? 0) <= seq }
    }
}
