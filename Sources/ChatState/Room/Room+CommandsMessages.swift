/// `/me`, `/msg` and `/reply` (see `Room+Commands.swift`): each peer is sent them as it can read
/// them, an original client as SystemMessages.
extension Room {
    /// `/me ACTION`: to everyone, its sender too (the only sight of it a pychat sender gets).
    mutating func act(_ member: Member, _ action: String, _ out: inout StepOutput) {
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        let entry = record(.action, by: member, text: action, &out)
        if !hostIgnores.contains(member.uid) { out.show(.system(entry.summary)) }
        let pychat = joined.filter { connections[$0]?.wantsCommands == true }
        let others = pychat.isEmpty ? joined : joined.filter { connections[$0]?.wantsCommands != true }
        // One stamp for everyone who reads them, just before the frame it stamps (an `Action` or
        // the SystemMessage), as for a chat: the line shows the server's time, and a resuming
        // client counts the entry as seen.
        stamp(entry, to: stampRecipients(joined), &out)
        out.send(ExtensionCodec.frame(.action(uid: member.uid, name: member.name, color: member.color, text: action)), to: pychat)
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
}

extension PrivateMessage {
    /// What an original client is sent: `[private] alice: text`, or to the sender
    /// `[private to bob] text`.
    public var line: String { echo ? "[private to \(to)] \(text)" : "[private] \(from): \(text)" }

    /// How a screen shows it: in the sender's colour under the sender's name. One to us counts
    /// as a mention (highlighted, and the bell and a notification when the terminal is away), as
    /// in weechat and irssi; our own copy does not.
    public var displayLine: DisplayLine {
        var line = DisplayLine.chat(from, color, echo ? "[private to \(to)] " + TextRules.cleanText(text)
                                                      : "[private] " + TextRules.cleanText(text))
        line.mentionsMe = !echo
        return line
    }
}
