/// Moderation (issue #14): the host and ops kick, ban, mute and op. Every action is a room-log
/// entry naming who did it and is said to the room, as a SystemMessage to every member, so an
/// original client is sent nothing outside its protocol: a kicked one reads the line, then its
/// connection closes; a banned one is refused with a SystemMessage at connect or join.
///
/// Bans and mutes are for a subject: the certificate under TLS, the source address otherwise.
/// Their expiry is wall-clock time, from `Event.time` only.
extension Room {
    /// The host always; a member made op by `/op`: by its certificate (kept across restarts)
    /// or, without TLS, for as long as its connection lasts.
    func isOp(_ member: Member) -> Bool {
        guard let conn = member.conn else { return true }
        guard let c = connections[conn] else { return false }
        return c.opped || c.identity.map(moderation.ops.contains) == true
    }

    /// What a ban or a mute of this connection is for.
    func subject(of conn: ConnID) -> ModerationSubject? {
        guard let c = connections[conn] else { return nil }
        if let identity = c.identity { return .identity(identity) }
        return .address(c.address ?? c.remote)
    }

    /// The ban that keeps a subject out now, if any (an expired ban is forgotten here, in the
    /// database too).
    mutating func banInForce(_ subject: ModerationSubject, _ out: inout StepOutput) -> Ban? {
        let (ban, expired) = moderation.ban(of: subject, at: log.wallNow)
        if let expired { out.effects.append(.keepModeration(.unban(expired.subject))) }
        return ban
    }

    /// A joiner whose subject is banned is told why and closed; true when it was. Checked at
    /// the JoinRequest, not at accept or at the TLS handshake: by then a pychat client has given
    /// its sign, so it can be told in a `Removed` too (and will not dial again), while an
    /// original client, whose first frame is its JoinRequest, reads the same SystemMessage.
    mutating func turnedAwayIfBanned(_ conn: ConnID, _ out: inout StepOutput) -> Bool {
        guard let c = connections[conn], let s = subject(of: conn), let ban = banInForce(s, &out) else { return false }
        out.log("reject \(conn) from \(c.remote): banned (\(s.description))")
        let why = "you are banned from this server by \(ban.by)" + remaining(until: ban.expiresAtWallMillis)
            + (ban.reason.map { ": " + $0 } ?? "")
        if c.wantsCommands { welcome(conn, &out) }
        out.send(FrameCodec.frame(.system(text: Self.fitted("Connection refused: " + why))), to: [conn])
        tellRemoved(conn, Removal(.banned, by: ban.by, reason: ban.reason, untilWallMillis: ban.expiresAtWallMillis), &out)
        close(conn, reason: "banned", &out)
        return true
    }

    /// A pychat client an op puts out is told so, after the line every member reads and before
    /// the close, so that it does not reconnect (see `Removal`).
    func tellRemoved(_ conn: ConnID, _ removal: Removal, _ out: inout StepOutput) {
        guard connections[conn]?.wantsCommands == true else { return }
        out.send(ExtensionCodec.frame(.removed(removal)), to: [conn])
    }

    /// ` for 9m more`, or nothing for good.
    func remaining(until wall: Int64?) -> String {
        guard let wall else { return "" }
        return " for " + MemberDetails.duration(Int((wall - log.wallNow + 999) / 1000)) + " more"
    }

    // MARK: Mutes

    /// A muted member's chat reaches no one: it is told so, and true is returned.
    mutating func silenced(_ member: Member, _ out: inout StepOutput) -> Bool {
        guard moderation.hasMutes, let conn = member.conn, let s = subject(of: conn) else { return false }
        let (inForce, expired) = moderation.mute(of: s, at: log.wallNow)
        if expired { out.effects.append(.keepModeration(.unmute(s))) }
        guard let until = inForce else { return false }
        answer(member, "You are muted\(remaining(until: until)): what you say reaches no one.", &out)
        return true
    }

    // MARK: The commands

    mutating func moderate(_ command: ModerationCommand, by actor: Member, _ out: inout StepOutput) {
        switch command {
        case .bans: return listBans(for: actor, &out)
        case let .unban(word): return unban(word, by: actor, &out)
        case let .drop(room, reason): return dropRoom(room, reason: reason, by: actor, &out)
        case let .ban(name, duration, reason) where self.member(named: name) == nil:
            return banOffline(name, duration: duration, reason: reason, by: actor, &out)
        default: break
        }
        guard let target = targetName(of: command).flatMap({ self.member(named: $0) }) else {
            return answer(actor, noOne(targetName(of: command) ?? ""), &out)
        }
        guard target.uid != actor.uid else { return answer(actor, "That is you.", &out) }
        guard let conn = target.conn, let subject = subject(of: conn) else {
            return answer(actor, "The host is always an op: /\(command.name) is not for the host.", &out)
        }
        switch command {
        case let .kick(_, reason):
            announce("kicked \(target.name)" + (reason.map { ": " + $0 } ?? ""), by: actor, &out)
            tellRemoved(conn, Removal(.kicked, by: actor.name, reason: reason), &out)
            close(conn, reason: "kicked by \(actor.name)", &out)
        case let .ban(_, duration, reason):
            guard let ban = newBan(subject, name: target.name, duration: duration, reason: reason, by: actor, &out) else { return }
            announce("banned \(target.name)\(spoken(ban)) (\(subject.description))" + (reason.map { ": " + $0 } ?? ""), by: actor, &out)
            // Every member of the subject goes: one certificate or one address may be here twice.
            for other in joined where self.subject(of: other) == subject {
                tellRemoved(other, Removal(.banned, by: actor.name, reason: reason, untilWallMillis: ban.expiresAtWallMillis), &out)
                close(other, reason: "banned by \(actor.name)", &out)
            }
        case let .mute(_, duration):
            let until = duration.map { log.wallNow + $0 }
            moderation.mute(subject, until: until)
            out.effects.append(.keepModeration(.mute(Mute(subject: subject, untilWallMillis: until))))
            announce("muted \(target.name)" + (duration.map { " for " + MemberDetails.duration(Int($0 / 1000)) } ?? ""), by: actor, &out)
        case .unmute:
            guard moderation.unmute(subject) else { return answer(actor, "\(target.name) is not muted.", &out) }
            out.effects.append(.keepModeration(.unmute(subject)))
            announce("unmuted \(target.name)", by: actor, &out)
        case .op:
            guard !isOp(target) else { return answer(actor, "\(target.name) is already an op.", &out) }
            if let identity = connections[conn]?.identity {
                moderation.setOp(identity, true)
                out.effects.append(.keepModeration(.setOp(identity: identity, op: true)))
            } else {
                connections[conn]?.opped = true
            }
            announce("made \(target.name) an op", by: actor, &out)
            marksChanged(&out)
        case .deop:
            guard isOp(target) else { return answer(actor, "\(target.name) is not an op.", &out) }
            connections[conn]?.opped = false
            if let identity = connections[conn]?.identity, moderation.ops.contains(identity) {
                moderation.setOp(identity, false)
                out.effects.append(.keepModeration(.setOp(identity: identity, op: false)))
            }
            announce("took \(target.name)'s op away", by: actor, &out)
            marksChanged(&out)
        case .bans, .unban, .drop:
            return
        }
    }

    private func targetName(of command: ModerationCommand) -> String? {
        switch command {
        case let .kick(name, _), let .ban(name, _, _), let .mute(name, _), let .unmute(name), let .op(name), let .deop(name):
            return name
        case .bans, .unban, .drop:
            return nil
        }
    }

    /// `/ban NAME` of a member who is not here: the certificate that holds the name.
    private mutating func banOffline(_ name: String, duration: Int64?, reason: String?, by actor: Member,
                                     _ out: inout StepOutput) {
        guard let identity = moderation.holder(of: name), let held = moderation.nameOf[identity] else {
            return answer(actor, noOne(name) + " (A member who is not here can be banned by the name its certificate holds.)", &out)
        }
        let subject = ModerationSubject.identity(identity)
        guard let ban = newBan(subject, name: held, duration: duration, reason: reason, by: actor, &out) else { return }
        announce("banned \(held)\(spoken(ban)) (\(subject.description))" + (reason.map { ": " + $0 } ?? ""), by: actor, &out)
    }

    /// A ban made, kept and remembered; nil (and the actor told) when there are too many.
    private mutating func newBan(_ subject: ModerationSubject, name: String, duration: Int64?, reason: String?,
                                 by actor: Member, _ out: inout StepOutput) -> Ban? {
        guard moderation.bans.count < Limits.maxBans || moderation.bans[subject] != nil else {
            answer(actor, "/ban: there are \(Limits.maxBans) bans already; /unban some first.", &out)
            return nil
        }
        let ban = Ban(subject: subject, name: name, by: actor.name, reason: reason, setAtWallMillis: log.wallNow,
                      expiresAtWallMillis: duration.map { log.wallNow + $0 })
        moderation.add(ban)
        out.effects.append(.keepModeration(.ban(ban)))
        return ban
    }

    /// ` for 2h`, or nothing for a ban for good.
    private func spoken(_ ban: Ban) -> String {
        ban.expiresAtWallMillis.map { " for " + MemberDetails.duration(Int(($0 - ban.setAtWallMillis) / 1000)) } ?? ""
    }

    private mutating func unban(_ word: String, by actor: Member, _ out: inout StepOutput) {
        guard let ban = moderation.ban(named: word, at: log.wallNow) else {
            return answer(actor, "No ban in force matches \(CommandParser.shown(Substring(word))): /bans lists them.", &out)
        }
        _ = moderation.lift(ban.subject)
        out.effects.append(.keepModeration(.unban(ban.subject)))
        announce("unbanned \(ban.name) (\(ban.subject.description))", by: actor, &out)
    }

    private func listBans(for actor: Member, _ out: inout StepOutput) {
        let bans = moderation.bansInForce(at: log.wallNow)
        guard !bans.isEmpty else { return answer(actor, "No bans are in force.", &out) }
        answer(actor, bans.count == 1 ? "1 ban in force:" : "\(bans.count) bans in force:", &out)
        for ban in bans.prefix(Limits.bansListed) {
            answer(actor, "  \(ban.name) (\(ban.subject.description)) by \(ban.by)" + remaining(until: ban.expiresAtWallMillis)
                   + (ban.reason.map { ": " + $0 } ?? ""), &out)
        }
        if bans.count > Limits.bansListed { answer(actor, "  and \(bans.count - Limits.bansListed) more", &out) }
    }

    /// Said to the room and kept in its log: `host kicked bob: spam`.
    mutating func announce(_ text: String, by actor: Member, _ out: inout StepOutput) {
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        let entry = record(.moderation, by: actor, text: text, &out)
        out.log("moderation: \(quoted(entry.summary))")
        out.show(.system(entry.summary))
        broadcast(Self.fitted(entry.summary), stamp: entry, &out)
    }
}

extension ChatCommand {
    /// What a muted member may not do: everything that speaks to others.
    var speaks: Bool {
        switch self {
        case .me, .msg, .reply: return true
        case .topic(let text): return text != nil
        default: return false
        }
    }
}
