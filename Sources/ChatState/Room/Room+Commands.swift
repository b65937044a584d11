/// Commands on the server's side (issue #14): the host's `/` lines, an original client's `/`
/// chat lines (read as ssh-chat reads them, never relayed) and a pychat client's `Command`
/// frames all meet here and are read by the one `CommandParser`. Answers go to the member alone:
/// the host's screen, a `Notice` to a client that negotiated `commands`, a SystemMessage to any
/// other, so an original client is sent nothing outside its protocol.
extension Room {
    /// When a member came, and its away mark. When it last spoke is `Activity`'s.
    struct Presence: Sendable {
        var joinedAt: Int64 = 0
        var away: String?
        /// Who sent it the latest private message: `/reply`'s recipient.
        var replyTo: UID?

        init(since now: Int64 = 0) {
            joinedAt = now
        }
    }

    /// When each member last chatted or used a command, for `/who`'s idle times. Written on every
    /// chat, so the common case costs a comparison and a store: the latest speaker's time is kept
    /// apart and goes into the table only when someone else speaks (writing a connection's entry
    /// per chat cost 2 300 instructions of the 10 700 a relayed chat takes, `bench/callgrind.sh`).
    struct Activity: Sendable {
        private var latest: (uid: UID, at: Int64)?
        private var earlier: [UID: Int64] = [:]

        mutating func note(_ uid: UID, at now: Int64) {
            if latest?.uid == uid {
                latest!.at = now
                return
            }
            if let l = latest { earlier[l.uid] = l.at }
            latest = (uid, now)
        }

        mutating func forget(_ uid: UID) {
            if latest?.uid == uid { latest = nil }
            earlier[uid] = nil
        }

        /// nil: silent since it joined.
        func last(_ uid: UID) -> Int64? { latest?.uid == uid ? latest!.at : earlier[uid] }
    }

    /// A member's typed line: its chat text, or nil when it was a command (carried out here,
    /// or answered with what is wrong). `//text` is the chat `/text`. `room`: the room it was
    /// typed in, if not `#general` (the host's; an original client is in `#general` only).
    mutating func chatText(_ line: String, from member: Member, in room: String? = nil, _ out: inout StepOutput) -> String? {
        guard line.hasPrefix("/") else { return line }
        switch CommandParser.read(line) {
        case .chat(let text): return text
        case .wrong(let why): answer(member, why, &out)
        case .command(let command): run(command, by: member, in: room, &out)
        }
        return nil
    }

    /// A `Command` frame's line from a client that negotiated `commands`.
    /// `room`: the room it was typed in (feature `rooms`; nil: `#general`); `after`: a rejoin's
    /// newest entry of the room it joins (`Room+RoomResume.swift`).
    mutating func commandFrame(_ raw: String, typedIn room: String? = nil, after: Int64? = nil, from conn: ConnID,
                               _ out: inout StepOutput) {
        guard let member = connections[conn]?.member else { return }
        let line = TextRules.cleanText(raw)
        if let refusal = TextRules.refusal(line) {
            return answer(member, refusal.notice, &out)
        }
        switch CommandParser.read(line) {
        case .chat: violation(conn, "a Command that holds no command", &out)
        case .wrong(let why): answer(member, why, &out)
        case .command(let command):
            guard let room = typedIn(room, by: member, &out) else { return }
            if let after, case .join(let typed) = command { return joinRoom(typed, by: member, after: after, &out) }
            run(command, by: member, in: room, &out)
        }
    }

    func mayUse(_ spec: CommandSpec, _ member: Member) -> Bool {
        switch spec.permission {
        case .everyone: return true
        case .op: return isOp(member)
        }
    }

    /// `room`: the room the line was typed in, if not `#general` (`/topic`, `/me`, `/part`).
    mutating func run(_ command: ChatCommand, by member: Member, in room: String? = nil, _ out: inout StepOutput) {
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
        case .me(let action):
            guard let room else { return act(member, action, &out) }
            roomEntry(.action, action, in: room, by: member, echo: true, &out)
        case let .msg(name, text):
            guard let target = self.member(named: name) else {
                return keepForLater(text, to: name, from: member, &out) ? () : answer(member, noOne(name), &out)
            }
            sendPrivate(text, from: member, to: target, &out)
        case .reply(let text):
            guard let uid = presence(of: member).replyTo else {
                return answer(member, "No one has sent you a private message to reply to.", &out)
            }
            guard let target = members.first(where: { $0.uid == uid }) else {
                return answer(member, "Whoever sent you the last private message has left.", &out)
            }
            sendPrivate(text, from: member, to: target, &out)
        case .who: who(for: member, in: room, &out)
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
            marksChanged(&out)
            answer(member, "You are marked away: \(mark). /back clears it.", &out)
        case .back:
            let wasAway = presence(of: member).away != nil
            setPresence(of: member) { $0.away = nil }
            if wasAway { marksChanged(&out) }
            answer(member, wasAway ? "You are back." : "You were not marked away.", &out)
        case .topic(let text):
            guard let room else { return setTopic(text, by: member, &out) }
            setRoomTopic(text, in: room, by: member, &out)
        case .join(let name): joinRoom(name, by: member, &out)
        case .part(let name): partRoom(name, typedIn: room, by: member, &out)
        case .rooms: listRooms(for: member, &out)
        case .quit(let text): quit(member, saying: text, &out)
        case .ignore(let name): ignore(name, true, by: member, &out)
        case .unignore(let name): ignore(name, false, by: member, &out)
        case .moderate(let m): moderate(m, by: member, &out)
        case .search(let words) where member.conn == nil: hostSearches(words, &out)
        case .context(let n) where member.conn == nil: hostShowsContext(ofResult: n, &out)
        case .search, .context:
            answer(member, "/\(command.name) works in a pychat client: the original PyChat client cannot show its results.", &out)
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

    /// `No one here is called mary.`, and when a member's name starts with it and a space, the
    /// way to write that one: `Did you mean "mary jane"? A NAME with spaces goes in double quotes.`
    func noOne(_ name: String) -> String {
        let typed = "No one here is called \(CommandParser.shown(Substring(name)))."
        let start = name.lowercased() + " "
        guard let meant = members.first(where: { $0.name.lowercased().hasPrefix(start) }) else { return typed }
        return typed + " Did you mean \"\(meant.name)\"? A NAME with spaces goes in double quotes."
    }

    /// A `History` as a client that did not negotiate `commands` can read it: without the
    /// entries of kinds it does not know (renames, actions, topics), which would make it refuse
    /// the whole message.
    func readable(_ message: ExtensionMessage, by conn: ConnID) -> ExtensionMessage {
        guard case let .history(room, entries, more) = message, connections[conn]?.wantsCommands != true else { return message }
        return .history(room: room, entries: entries.filter { RoomEntry.Kind.original.contains($0.kind) }, more: more)
    }
}
