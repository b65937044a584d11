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
            broadcast(Self.announcement(joined: kind, pendingAnnouncements[start..<end].map(\.name)),
                      stamp: pendingAnnouncements[end - 1].entry, &out)
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

    func broadcast(_ text: String, stamp entry: RoomEntry, _ out: inout StepOutput) {
        stamp(entry, to: stampRecipients(joined), &out)
        out.send(FrameCodec.frame(.system(text: text)), to: joined)
    }
}
