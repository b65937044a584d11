/// Private messages to a certificate that is not here (issue #14): `/msg NAME TEXT` to a name a
/// certificate holds is kept (in the database, through `Effect.keepModeration`) and given to it,
/// oldest first, once it next joins. Without TLS nobody holds a name, and `/msg` to someone not
/// here is refused as before.
extension Room {
    /// `/msg` found nobody here by that name: kept for the certificate that holds it, if one does.
    mutating func keepForLater(_ text: String, to name: String, from sender: Member, _ out: inout StepOutput) -> Bool {
        guard let identity = moderation.holder(of: name), let held = moderation.nameOf[identity] else { return false }
        guard (moderation.messages[identity]?.count ?? 0) < Limits.heldMessagesPerIdentity else {
            answer(sender, "\(held) is not here, and \(Limits.heldMessagesPerIdentity) messages wait for them already.", &out)
            return true
        }
        let message = HeldMessage(identity: identity, fromUID: sender.uid, from: sender.name, color: sender.color, to: held,
                                  text: text, wallMillis: log.wallNow)
        moderation.keep(message)
        out.effects.append(.keepModeration(.keepMessage(message)))
        answer(sender, "\(held) is not here: your message is kept for when they next join.", &out)
        return true
    }

    /// After a join: the messages kept for the joiner's certificate, as private messages are sent.
    mutating func deliverHeldMessages(_ conn: ConnID, _ out: inout StepOutput) {
        guard let c = connections[conn], let member = c.member, let identity = c.identity,
              moderation.messages[identity] != nil else { return }
        let held = moderation.takeMessages(for: identity)
        answer(member, held.count == 1 ? "1 private message came while you were away:" : "\(held.count) private messages came while you were away:", &out)
        for m in held {
            let message = PrivateMessage(uid: m.fromUID, from: m.from, color: m.color, to: member.name,
                                         text: "[" + ClockText.hhmm(m.wallMillis) + "] " + m.text, echo: false)
            if c.wantsCommands {
                send(.privateMessage(message), to: conn, &out)
            } else {
                out.send(FrameCodec.frame(.system(text: Self.fitted(message.line))), to: [conn])
            }
        }
        out.effects.append(.keepModeration(.deliveredMessages(identity: identity)))
    }
}
