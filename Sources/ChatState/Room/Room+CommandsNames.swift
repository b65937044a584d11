/// `/nick` and the name index that `/msg`, `/whois` and `/ignore` look members up in (see
/// `Room+Commands.swift`).
extension Room {
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
}
