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
        for conn in conns {
            guard var c = connections[conn], let m = c.member, c.knownVersion < tableVersion else { continue }
            let template = wholeTable()
            // A whole table over the frame limit would make every pychat client refuse it (and
            // an original one read a frame it cannot hold): such members get short tables.
            guard template.fitsInAFrame else {
                return sendShortTables(to: conns.filter { connections[$0].map { $0.knownVersion < tableVersion } ?? false }, &out)
            }
            out.send(template.frame(for: m.uid), to: [conn])
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
        let template = MessageCodec.ServerInfoTemplate(users: users.map(\.tableEntry))
        out.send(template.frame(for: m.uid), to: [conn])
        if c.knownVersion >= tableVersion { staleMembers += 1 }
        c.knownVersion = -1
        c.shortTable = Set(users.map(\.uid))
        awarenessEpoch += 1
        connections[conn] = c
    }

    /// Short tables for many members at once (a chat from a sender they have not been told of):
    /// the host and the recent speakers written once, each receiver's own entry added to its
    /// frame. The same bytes as `sendShortTable` to each, at a cost of one entry per receiver
    /// instead of one table: in a room whose whole table does not fit in a frame, every chat
    /// from a new speaker sends one to nearly every member.
    mutating func sendShortTables(to conns: [ConnID], _ out: inout StepOutput) {
        var shared: [Member] = []
        if let first = members.first, first.conn == nil { shared.append(first) }
        shared += recentSpeakers
        let template = MessageCodec.ShortTableTemplate(users: shared.map(\.tableEntry))
        // The uids each receiver is told of besides itself (never a sender to itself): one set,
        // shared by every receiver's state.
        let told = Set(shared.map(\.uid))
        let speakers = Set(recentSpeakers.map(\.uid))
        for conn in conns {
            guard var c = connections[conn], let m = c.member else { continue }
            // A recent speaker is listed last in its own table, not among the speakers.
            if speakers.contains(m.uid) {
                sendShortTable(to: conn, &out)
                continue
            }
            out.send(template.frame(for: m.tableEntry), to: [conn])
            if c.knownVersion >= tableVersion { staleMembers += 1 }
            c.knownVersion = -1
            c.shortTable = told
            awarenessEpoch += 1
            connections[conn] = c
        }
    }

    /// The whole table's ServerInfo, written once for each state of `members` (a join, leave
    /// or rename): a join's own table, the quiet refresh after it and the tables sent before a
    /// new speaker's chats all share it.
    mutating func wholeTable() -> MessageCodec.ServerInfoTemplate {
        if let cached = wholeTableCache { return cached }
        let template = MessageCodec.ServerInfoTemplate(users: members.map(\.tableEntry))
        wholeTableCache = template
        return template
    }

    /// Whether the room's whole table fits in a frame: a room where it does not sends short
    /// tables before a new speaker's chat.
    mutating func wholeTableFits() -> Bool { wholeTable().fitsInAFrame }

    mutating func noteSpeaker(_ member: Member) {
        if recentSpeakers.last?.uid == member.uid { return }
        recentSpeakers.removeAll { $0.uid == member.uid }
        recentSpeakers.append(member)
        if recentSpeakers.count > Limits.recentSpeakers { recentSpeakers.removeFirst() }
    }
}

extension Room.Member {
    /// The member as a ServerInfo lists it.
    var tableEntry: UserEntry { UserEntry(key: uid, user: WireUser(uid: uid, username: name, color: color.description)) }
}
