/// Identity under TLS (issue #14): the interpreter reports each connection's client-certificate
/// fingerprint once its handshake is done, before any frame of it is read. A name the room
/// remembers for one certificate is another's only with a suffix (at join) or not at all (at
/// `/nick`). Without TLS no connection has an identity, and names are first come, first served.
extension Room {
    /// `Event.identified`: the connection's certificate. A banned one is turned away at its
    /// JoinRequest (see `turnedAwayIfBanned`).
    mutating func identified(_ conn: ConnID, fingerprint: String, _ out: inout StepOutput) {
        guard let c = connections[conn], c.identity == nil, c.member == nil else { return }
        connections[conn]!.identity = fingerprint
        out.log("identity \(conn): \(Identity.short(fingerprint))")
    }

    /// The name a joiner gets. As `UniqueNames` chooses it, and then, for a joiner with a
    /// certificate, not one another certificate holds: held names are claimed for a moment so
    /// that the suffix goes past them (at most `Limits.heldNameTries` of them), then given back.
    mutating func claimName(_ base: String, for identity: String?) -> UniqueNames.Claim {
        var claim = names.claim(base)
        guard identity != nil else { return claim }
        var passed: [UniqueNames.Claim] = []
        while moderation.isHeld(claim.name, againstOf: identity), passed.count < Limits.heldNameTries {
            passed.append(claim)
            claim = names.claim(base)
        }
        for p in passed { names.release(p) }
        return claim
    }

    /// After a join: a joiner whose name was held by another certificate is told so; the name a
    /// certificate asked for and got is now its own.
    mutating func joinedWithIdentity(_ conn: ConnID, asked: String, _ out: inout StepOutput) {
        guard let c = connections[conn], let member = c.member, let identity = c.identity else { return }
        if member.name == asked {
            hold(member.name, by: identity, &out)
        } else if moderation.isHeld(asked, againstOf: identity) {
            answer(member, "\(asked) belongs to another certificate: you are \(member.name) here.", &out)
        }
        deliverHeldMessages(conn, &out)
    }

    /// `/nick` to a name another certificate holds is refused with this line.
    func heldNameRefusal(_ name: String, for member: Member) -> String? {
        guard let conn = member.conn, let identity = connections[conn]?.identity,
              moderation.isHeld(name, againstOf: identity) else { return nil }
        return "\(name) belongs to another certificate."
    }

    /// After a rename: a member with a certificate holds its new name.
    mutating func renamedWithIdentity(_ member: Member, _ out: inout StepOutput) {
        guard let conn = member.conn, let identity = connections[conn]?.identity else { return }
        hold(member.name, by: identity, &out)
    }

    private mutating func hold(_ name: String, by identity: String, _ out: inout StepOutput) {
        if moderation.hold(name, by: identity) {
            out.effects.append(.keepModeration(.holdName(identity: identity, name: name)))
        }
    }

    /// The short fingerprint `/who` and `/whois` show, under TLS.
    func shortFingerprint(of member: Member) -> String? {
        member.conn.flatMap { connections[$0]?.identity }.map(Identity.short)
    }
}
