/// Commands on the server's side (issue #14): the host's `/` lines, an original client's `/`
/// chat lines (read as ssh-chat reads them, never relayed) and a pychat client's `Command`
/// frames all meet here and are read by the one `CommandParser`. Answers go to the member alone:
/// the host's screen, a `Notice` to a client that negotiated `commands`, a SystemMessage to any
/// other, so an original client is sent nothing outside its protocol.
extension Room {
    /// When a member came, when it last spoke or used a command, and its away mark.
    struct Presence: Sendable {
        var joinedAt: Int64 = 0
        var lastActive: Int64 = 0
        var away: String?
        /// Who sent it the latest private message: `/reply`'s recipient.
        var replyTo: UID?

        init(since now: Int64 = 0) {
            joinedAt = now
            lastActive = now
        }
    }

    /// A member's typed line: its chat text, or nil when it was a command (carried out here,
    /// or answered with what is wrong). `//text` is the chat `/text`.
    mutating func chatText(_ line: String, from member: Member, _ out: inout StepOutput) -> String? {
        guard line.hasPrefix("/") else { return line }
        switch CommandParser.read(line) {
        case .chat(let text): return text
        case .wrong(let why): answer(member, why, &out)
        case .command(let command): run(command, by: member, &out)
        }
        return nil
    }

    /// A `Command` frame's line from a client that negotiated `commands`.
    mutating func commandFrame(_ raw: String, from conn: ConnID, _ out: inout StepOutput) {
        guard let member = connections[conn]?.member else { return }
        let line = TextRules.cleanText(raw)
        if let refusal = TextRules.refusal(line) {
            return answer(member, refusal.notice, &out)
        }
        switch CommandParser.read(line) {
        case .chat: violation(conn, "a Command that holds no command", &out)
        case .wrong(let why): answer(member, why, &out)
        case .command(let command): run(command, by: member, &out)
        }
    }

    func mayUse(_ spec: CommandSpec, _ member: Member) -> Bool {
        switch spec.permission {
        case .everyone: return true
        case .op: return isOp(member)
        }
    }

    mutating func run(_ command: ChatCommand, by member: Member, _ out: inout StepOutput) {
        guard mayUse(command.spec, member) else { return answer(member, "/\(command.name) is for ops.", &out) }
        if command.speaks, silenced(member, &out) { return }
        touch(member)
        switch command {
        case .help(let topic):
            let original = member.conn.flatMap { connections[$0] }.map { !$0.wantsCommands } ?? false
            // An original client can use only what the server carries out.
            for line in CommandParser.help(topic, mayUse: { mayUse($0, member) && (!original || $0.place == .server || $0.name == "help") }) {
                answer(member, line, &out)
            }
        case .nick(let name): rename(member, to: name, &out)
        case .me(let action): act(member, action, &out)
        case let .msg(name, text):
            guard let target = self.member(named: name) else { return answer(member, noOne(name), &out) }
            sendPrivate(text, from: member, to: target, &out)
        case .reply(let text):
            guard let uid = presence(of: member).replyTo else {
                return answer(member, "No one has sent you a private message to reply to.", &out)
            }
            guard let target = members.first(where: { $0.uid == uid }) else {
                return answer(member, "Whoever sent you the last private message has left.", &out)
            }
            sendPrivate(text, from: member, to: target, &out)
        case .who: who(for: member, &out)
        case .whois(let name):
            guard let target = self.member(named: name) else { return answer(member, noOne(name), &out) }
            if let conn = member.conn, connections[conn]?.wantsCommands == true {
                send(.whois(details(of: target)), to: conn, &out)
            } else {
                answer(member, details(of: target).whoisLine, &out)
            }
        case .away(let text):
            let mark = text.map { TextRules.fitted($0, characters: Limits.maxAwayLength, bytes: Limits.maxAwayBytes) } ?? "away"
            setPresence(of: member) { $0.away = mark }
            answer(member, "You are marked away: \(mark). /back clears it.", &out)
        case .back:
            let wasAway = presence(of: member).away != nil
            setPresence(of: member) { $0.away = nil }
            answer(member, wasAway ? "You are back." : "You were not marked away.", &out)
        case .topic(let text): setTopic(text, by: member, &out)
        case .quit(let text): quit(member, saying: text, &out)
        case .ignore(let name): ignore(name, true, by: member, &out)
        case .unignore(let name): ignore(name, false, by: member, &out)
        case .moderate(let m): moderate(m, by: member, &out)
        case .search:
            answer(member, member.conn == nil ? "The host's screen cannot search yet; a client can."
                : "/search works in a pychat client: the original PyChat client cannot show its results.", &out)
        }
    }

    /// One line to one member alone.
    func answer(_ member: Member, _ text: String, _ out: inout StepOutput) {
        guard let conn = member.conn else { return out.show(.notice(text)) }
        if connections[conn]?.wantsCommands == true {
            send(.notice(text: text), to: conn, &out)
        } else {
            out.send(FrameCodec.frame(.system(text: Self.fitted(text))), to: [conn])
        }
    }

    /// A SystemMessage's text within the limit (a line built of a long name and a long text).
    static func fitted(_ line: String) -> String { TextRules.fitted(line, characters: .max, bytes: Limits.maxTextBytes) }

    func noOne(_ name: String) -> String { "No one here is called \(CommandParser.shown(Substring(name)))." }

    /// A `History` as a client that did not negotiate `commands` can read it: without the
    /// entries of kinds it does not know (renames, actions, topics), which would make it refuse
    /// the whole message.
    func readable(_ message: ExtensionMessage, by conn: ConnID) -> ExtensionMessage {
        guard case let .history(room, entries, more) = message, connections[conn]?.wantsCommands != true else { return message }
        return .history(room: room, entries: entries.filter { RoomEntry.Kind.original.contains($0.kind) }, more: more)
    }

    // MARK: Names

    mutating func noteName(_ claim: UniqueNames.Claim, _ member: Member) {
        for key in claim.keys { named[key] = member }
    }

    mutating func forgetName(_ claim: UniqueNames.Claim) {
        for key in claim.keys { named[key] = nil }
    }

    /// The member a typed name means: the same name ignoring case, or one confusable with it.
    func member(named name: String) -> Member? {
        TextRules.nameKeys(name).lazy.compactMap { named[$0] }.first
    }

    /// `/nick NAME`: the name as typed or not at all (a rename never takes a suffix). Everyone
    /// gets a fresh table, then `alice is now known as alicia`; the room log records it.
    mutating func rename(_ member: Member, to typed: String, _ out: inout StepOutput) {
        let name = TextRules.cleanName(typed)
        guard name == typed else {
            return answer(member, "/nick: not a name. A name is at most \(Limits.maxNameLength) characters, none of them invisible.", &out)
        }
        guard name != member.name else { return answer(member, "You are already called \(name).", &out) }
        if let refusal = heldNameRefusal(name, for: member) { return answer(member, refusal, &out) }
        guard let old = member.conn.map({ connections[$0]?.nameClaim }) ?? hostClaim,
              let claim = names.rename(old, to: name) else {
            return answer(member, "\(name) is taken: a member has that name, or one too like it.", &out)
        }
        let renamed = Member(uid: member.uid, name: name, color: member.color, conn: member.conn)
        if let i = members.firstIndex(where: { $0.uid == member.uid }) { members[i] = renamed }
        if let conn = member.conn {
            connections[conn]?.member = renamed
            connections[conn]?.nameClaim = claim
        } else {
            hostClaim = claim
        }
        forgetName(old)
        noteName(claim, renamed)
        renamedWithIdentity(renamed, &out)
        if let i = recentSpeakers.firstIndex(where: { $0.uid == member.uid }) { recentSpeakers[i] = renamed }
        out.log("rename \(member.conn.map(String.init(describing:)) ?? "host") \(quoted(member.name)) to \(quoted(name))")
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        let entry = record(.rename, by: member, text: name, &out)
        tableChanged()
        if joined.count <= Limits.wholeTableMembers {
            refreshTables(joined, &out)
        } else {
            // Short tables to those whose table names the member; the others meet the new name
            // when they are next sent its chat, as they would have met the old one.
            for conn in joined {
                guard let c = connections[conn] else { continue }
                if c.shortTable?.contains(member.uid) ?? (c.knownVersion >= 0) { sendShortTable(to: conn, &out) }
            }
        }
        scheduleRefresh(&out)
        let line = entry.summary
        out.show(.system(line))
        broadcast(Self.fitted(line), stamp: entry, &out)
    }

    // MARK: Actions and private messages

    /// `/me ACTION`: to everyone, its sender too (the only sight of it a pychat sender gets).
    mutating func act(_ member: Member, _ action: String, _ out: inout StepOutput) {
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        let entry = record(.action, by: member, text: action, &out)
        if !hostIgnores.contains(member.uid) { out.show(.system(entry.summary)) }
        let pychat = joined.filter { connections[$0]?.wantsCommands == true }
        let others = pychat.isEmpty ? joined : joined.filter { connections[$0]?.wantsCommands != true }
        out.send(ExtensionCodec.frame(.action(uid: member.uid, name: member.name, color: member.color, text: action)), to: pychat)
        stamp(entry, to: stampRecipients(others), &out)
        out.send(FrameCodec.frame(.system(text: Self.fitted(entry.summary))), to: others)
    }

    /// `/msg` and `/reply`: to the recipient, and back to the sender as its sight of it. Not
    /// recorded: the room log is the room's, and searchable by everyone.
    mutating func sendPrivate(_ text: String, from sender: Member, to target: Member, _ out: inout StepOutput) {
        guard target.uid != sender.uid else {
            return answer(sender, "That is you: a private message goes to someone else.", &out)
        }
        setPresence(of: target) { $0.replyTo = sender.uid }
        for echo in [false, true] {
            let to = echo ? sender : target
            let message = PrivateMessage(uid: sender.uid, from: sender.name, color: sender.color, to: target.name,
                                         text: text, echo: echo)
            if let conn = to.conn {
                if connections[conn]?.wantsCommands == true {
                    send(.privateMessage(message), to: conn, &out)
                } else {
                    out.send(FrameCodec.frame(.system(text: Self.fitted(message.line))), to: [conn])
                }
            } else if echo || !hostIgnores.contains(sender.uid) {
                out.show(message.displayLine)
            }
        }
        if let away = presence(of: target).away { answer(sender, "\(target.name) is away: \(away)", &out) }
    }

    // MARK: Who is here

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

    mutating func touch(_ member: Member) {
        let now = self.now
        setPresence(of: member) { $0.lastActive = now }
    }

    func details(of member: Member) -> MemberDetails {
        let p = presence(of: member)
        let client: MemberDetails.Client
        if let conn = member.conn {
            client = connections[conn]?.common == nil ? .original : .pychat
        } else {
            client = .host
        }
        return MemberDetails(name: member.name, color: member.color, op: isOp(member), away: p.away,
                             idleSeconds: Int((now - p.lastActive) / 1000), hereSeconds: Int((now - p.joinedAt) / 1000),
                             client: client, fingerprint: shortFingerprint(of: member))
    }

    /// `/who`: the first `Limits.whoListed` members in the room's order, and how many there are.
    func who(for member: Member, _ out: inout StepOutput) {
        let listed = members.prefix(Limits.whoListed).map(details(of:))
        if let conn = member.conn, connections[conn]?.wantsCommands == true {
            return send(.who(members: listed, total: members.count), to: conn, &out)
        }
        for line in MemberDetails.whoLines(listed, total: members.count) { answer(member, line, &out) }
    }

    // MARK: Topic, quitting, ignoring

    mutating func setTopic(_ text: String?, by member: Member, _ out: inout StepOutput) {
        guard let text else {
            return answer(member, topic.map { "The topic: \($0)" } ?? "No topic is set: /topic TEXT sets one.", &out)
        }
        let length = TextRules.length(text)
        guard length <= Limits.maxTopicLength else {
            return answer(member, "/topic: a topic is at most \(Limits.maxTopicLength) characters; this one has \(length).", &out)
        }
        topic = text
        out.log("topic by \(quoted(member.name)): \(quoted(text))")
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        let entry = record(.topic, by: member, text: text, &out)
        out.show(.system(entry.summary))
        broadcast(Self.fitted(entry.summary), stamp: entry, &out)
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

extension PrivateMessage {
    /// What an original client is sent: `[private] alice: text`, or to the sender
    /// `[private to bob] text`.
    public var line: String { echo ? "[private to \(to)] \(text)" : "[private] \(from): \(text)" }

    /// How a screen shows it: in the sender's colour under the sender's name.
    public var displayLine: DisplayLine {
        .chat(from, color, echo ? "[private to \(to)] " + TextRules.cleanText(text) : "[private] " + TextRules.cleanText(text))
    }
}
