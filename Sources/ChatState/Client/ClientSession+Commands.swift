/// Commands on a pychat client's side (issue #14). `/help`, `/ignore`, `/unignore`, `/search` and `/context`
/// are the client's own; the rest go to a server that negotiated `commands` as the line typed,
/// which the server reads with the same parser. On an original PyChat server the client does
/// what it can from its table (`/who`) or by itself (`/quit`), and refuses the rest with a line
/// saying why: a `/` line is never sent as chat.
extension ClientSession {
    var negotiatedCommands: Bool { common?.has(Capabilities.Feature.commands) == true }

    /// A typed line's chat text, or nil when it was a command (done, sent, or refused).
    mutating func chatText(_ line: String, _ out: inout StepOutput) -> String? {
        guard line.hasPrefix("/") else { return line }
        switch CommandParser.read(line) {
        case .chat(let text): return text
        case .wrong(let why): out.show(.notice(why))
        case .command(let command): run(command, line: line, &out)
        }
        return nil
    }

    private mutating func run(_ command: ChatCommand, line: String, _ out: inout StepOutput) {
        switch command {
        case .help(let topic):
            for text in CommandParser.help(topic) { out.show(.notice(text)) }
        case .search(let words):
            search(words, &out)
        case .context(let n):
            showContext(ofResult: n, &out)
        case .ignore(let name):
            ignore(name, true, &out)
        case .unignore(let name):
            ignore(name, false, &out)
        case .quit:
            // The server says our parting words, if it takes commands; we leave either way, once
            // what we sent is written.
            if negotiatedCommands, phase == .joined, let conn { out.send(ExtensionCodec.frame(.command(line: line)), to: [conn]) }
            out.effects.append(.quit(code: quitCode, message: nil))
        case .who where phase == .joined && !negotiatedCommands:
            whoFromTable(&out)
        case .join where roomCommand(command, &out):
            return
        default:
            guard phase == .joined, let conn else {
                return out.show(.notice("/\(command.name) not sent: not joined to a server yet."))
            }
            guard negotiatedCommands else {
                return out.show(.notice(common == nil
                    ? "/\(command.name) needs a pychat server: this is an original PyChat server."
                    : "/\(command.name) needs a server that takes commands: this pychat server does not."))
            }
            if let refusal = roomsRefusal(command) { return out.show(.notice(refusal)) }
            out.send(ExtensionCodec.frame(.command(line: line, room: rooms.current)), to: [conn])
            noteJoining(command)
        }
    }

    /// `/who` on a server that takes no commands: the names in our table, which is all it says.
    private func whoFromTable(_ out: inout StepOutput) {
        out.show(.notice(users.count == 1 ? "1 member in the server's table:" : "\(users.count) members in the server's table:"))
        for entry in users { out.show(.notice("  " + TextRules.cleanText(entry.user.username))) }
    }

    /// `/ignore NAME`: by uid, found by name in the table, so a rename does not undo it.
    private mutating func ignore(_ name: String, _ on: Bool, _ out: inout StepOutput) {
        let keys = Set(TextRules.nameKeys(name))
        guard let entry = users.first(where: { !keys.isDisjoint(with: TextRules.nameKeys($0.user.username)) }) else {
            return out.show(.notice("No one called \(CommandParser.shown(Substring(name))) is in the server's table."))
        }
        let who = TextRules.cleanText(entry.user.username)
        guard entry.key != me else { return out.show(.notice("That is you.")) }
        if on {
            ignored.insert(entry.key)
            out.show(.notice("Ignoring \(who): their chats, actions and private messages are not shown."))
        } else {
            let was = ignored.remove(entry.key) != nil
            out.show(.notice(was ? "No longer ignoring \(who)." : "You were not ignoring \(who)."))
        }
    }

    /// A `commands` message from the server; false for any other message.
    mutating func received(commands message: ExtensionMessage, _ out: inout StepOutput) -> Bool {
        switch message {
        case let .notice(text, refusedJoin):
            out.show(answer(TextRules.cleanText(text)))
            if let refusedJoin { joinRefused(refusedJoin, &out) }
        case let .action(uid, name, _, text):
            if !ignored.contains(uid) { out.show(serverTimed(.system(TextRules.cleanText("* \(name) \(text)")))) }
        case .privateMessage(let p):
            if p.echo || !ignored.contains(p.uid) {
                var line = p.displayLine
                if case .chat(let name, let color) = line.kind { line.kind = .chat(name: TextRules.cleanText(name), color: color) }
                out.show(line)
            }
        case let .who(members, total):
            for text in MemberDetails.whoLines(members, total: total) { out.show(answer(TextRules.cleanText(text))) }
        case .whois(let member):
            out.show(answer(TextRules.cleanText(member.whoisLine)))
        case .removed(let removal):
            removed(removal, &out)
        case .marks(let m):
            marks = (Set(m.ops), Set(m.away))
        default:
            return false
        }
        return true
    }
}
