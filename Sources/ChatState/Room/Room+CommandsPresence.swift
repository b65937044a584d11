/// Who is here and how (`/who`, `/whois`, `/away`, `/back`), the topic, `/quit` and the host's
/// `/ignore` (see `Room+Commands.swift`).
extension Room {
    func presence(of member: Member) -> Presence {
        guard let conn = member.conn else { return hostPresence }
        return connections[conn]?.presence ?? Presence()
    }

    mutating func setPresence(of member: Member, _ change: (inout Presence) -> Void) {
        if let conn = member.conn {
            if connections[conn] != nil { change(&connections[conn]!.presence) }
        } else {
            change(&hostPresence)
        }
    }

    mutating func touch(_ member: Member) { activity.note(member.uid, at: now) }

    func details(of member: Member) -> MemberDetails {
        let p = presence(of: member)
        let client: MemberDetails.Client
        if let conn = member.conn {
            client = connections[conn]?.common == nil ? .original : .pychat
        } else {
            client = .host
        }
        return MemberDetails(name: member.name, color: member.color, op: isOp(member), away: p.away,
                             idleSeconds: Int((now - (activity.last(member.uid) ?? p.joinedAt)) / 1000), hereSeconds: Int((now - p.joinedAt) / 1000),
                             client: client, fingerprint: shortFingerprint(of: member))
    }

    /// `/who`: the first `Limits.whoListed` members in the room's order, and how many there are;
    /// typed in a room besides `#general` (`room`), that room's members (the host first, if in it).
    func who(for member: Member, in room: String? = nil, _ out: inout StepOutput) {
        let everyone = room.flatMap { rooms[$0] }.map(roomMembers(of:)) ?? members
        let listed = everyone.prefix(Limits.whoListed).map(details(of:))
        if let conn = member.conn, connections[conn]?.wantsCommands == true {
            return send(.who(members: listed, total: everyone.count), to: conn, &out)
        }
        for line in MemberDetails.whoLines(listed, total: everyone.count) { answer(member, line, &out) }
    }


    mutating func setTopic(_ typed: String?, by member: Member, _ out: inout StepOutput) {
        guard let typed else {
            return answer(member, topic.map { "The topic: \($0)" } ?? "No topic is set: /topic TEXT sets one.", &out)
        }
        if let refusal = Self.topicRefusal(typed) { return answer(member, refusal, &out) }
        let text = typed == Self.clearTopic ? "" : typed
        topic = text.isEmpty ? nil : text
        out.log("topic by \(quoted(member.name)): \(quoted(text))")
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        let entry = record(.topic, by: member, text: text, &out)
        out.show(.system(entry.summary))
        broadcast(Self.fitted(entry.summary), stamp: entry, &out)
    }

    /// What is wrong with a topic, if anything: its length.
    static func topicRefusal(_ text: String) -> String? {
        let length = TextRules.length(text)
        guard length > Limits.maxTopicLength else { return nil }
        return "/topic: a topic is at most \(Limits.maxTopicLength) characters; this one has \(length)."
    }

    /// A joiner is told the topic, if there is one (none by default: the original's bytes).
    func joinedWithTopic(_ conn: ConnID, _ out: inout StepOutput) {
        guard let topic, let member = connections[conn]?.member else { return }
        answer(member, "The topic: \(topic)", &out)
    }

    /// `/quit [TEXT]`: the text to everyone, then the member leaves (the host: the server stops).
    mutating func quit(_ member: Member, saying text: String?, _ out: inout StepOutput) {
        if let text {
            let line = Self.fitted("\(member.name) quits: \(text)")
            out.show(.system(line))
            out.send(FrameCodec.frame(.system(text: line)), to: joined)
        }
        if let conn = member.conn {
            close(conn, reason: "quit", &out)
        } else {
            out.effects.append(.quit(code: ExitCode.ok, message: nil))
        }
    }

    /// The host's `/ignore`; a client's is its own, and an original client has none.
    mutating func ignore(_ name: String, _ on: Bool, by member: Member, _ out: inout StepOutput) {
        guard member.conn == nil else {
            return answer(member, "/\(on ? "ignore" : "unignore") is kept by a pychat client; the original PyChat client has none.", &out)
        }
        guard let target = self.member(named: name) else { return answer(member, noOne(name), &out) }
        guard target.uid != member.uid else { return answer(member, "That is you.", &out) }
        if on {
            hostIgnores.insert(target.uid)
            answer(member, "Ignoring \(target.name): their chats, actions and private messages are not shown.", &out)
        } else {
            let was = hostIgnores.remove(target.uid) != nil
            answer(member, was ? "No longer ignoring \(target.name)." : "You were not ignoring \(target.name).", &out)
        }
    }
}
