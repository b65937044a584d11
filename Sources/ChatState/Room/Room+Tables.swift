/// The room's user tables: who has been told of whom, and when each member is sent a table
/// (see the type's comment in Room.swift for why tables are lazy).
extension Room {
    /// A join or leave: every member's table is now out of date until refreshed.
    mutating func tableChanged() {
        tableVersion += 1
        awarenessEpoch += 1
        staleMembers = joined.count
    }

    mutating func scheduleRefresh(_ out: inout StepOutput) {
        guard staleMembers > 0, !refreshScheduled, joined.count <= Limits.wholeTableMembers else { return }
        refreshScheduled = true
        out.effects.append(.setTimer(.tableRefresh, millis: Limits.tableRefreshMillis))
    }

    /// Sends the whole table, each with its own uid, to those of `conns` whose table is old.
    mutating func refreshTables(_ conns: [ConnID], _ out: inout StepOutput) {
        var template: MessageCodec.ServerInfoTemplate?
        for conn in conns {
            guard var c = connections[conn], let m = c.member, c.knownVersion < tableVersion else { continue }
            if template == nil {
                template = MessageCodec.ServerInfoTemplate(users: members.map {
                    UserEntry(key: $0.uid, user: WireUser(uid: $0.uid, username: $0.name, color: $0.color.description))
                })
            }
            // A whole table over the frame limit would make every pychat client refuse it (and
            // an original one read a frame it cannot hold): such a member gets a short table.
            guard template!.fitsInAFrame else {
                sendShortTable(to: conn, &out)
                continue
            }
            out.send(template!.frame(for: m.uid), to: [conn])
            c.knownVersion = tableVersion
            c.shortTable = nil
            connections[conn] = c
            staleMembers -= 1
        }
    }

    /// Sends a member a table of the host, the recent speakers and itself. Such a member stays
    /// stale, so the checks before a chat look at the table it was sent. It always fits in a
    /// frame: at most `Limits.recentSpeakers` + 2 names of at most `Limits.maxNameBytes`.
    mutating func sendShortTable(to conn: ConnID, _ out: inout StepOutput) {
        guard var c = connections[conn], let m = c.member else { return }
        var users: [Member] = []
        if let first = members.first, first.conn == nil { users.append(first) }
        users += recentSpeakers.filter { $0.uid != m.uid }
        users.append(m)
        let template = MessageCodec.ServerInfoTemplate(users: users.map {
            UserEntry(key: $0.uid, user: WireUser(uid: $0.uid, username: $0.name, color: $0.color.description))
        })
        out.send(template.frame(for: m.uid), to: [conn])
        if c.knownVersion >= tableVersion { staleMembers += 1 }
        c.knownVersion = -1
        c.shortTable = Set(users.map(\.uid))
        awarenessEpoch += 1
        connections[conn] = c
    }

    mutating func noteSpeaker(_ member: Member) {
        if recentSpeakers.last?.uid == member.uid { return }
        recentSpeakers.removeAll { $0.uid == member.uid }
        recentSpeakers.append(member)
        if recentSpeakers.count > Limits.recentSpeakers { recentSpeakers.removeFirst() }
    }
}
