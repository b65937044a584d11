/// Rooms besides `#general` on the server's side (issue #14; `Rooms`, docs/PROTOCOL.md "Rooms").
///
/// Every member is in `#general`, always: it is the original's one room, so an original
/// client's tables and broadcasts are built from it alone and it never sees another room.
/// A pychat client that negotiated `rooms` may be in up to `Limits.maxRoomsPerConnection`
/// others at once, as on IRC; what happens in them reaches their members only, and only as
/// the `rooms` feature's messages. Names stay unique per server, so `/msg` reaches anyone;
/// moderation (ops, bans, mutes) is the server's; each room has its own topic and log.
extension Room {
    /// `/join #name`: into the room, made if it is new; the joiner is sent the room (`Join`,
    /// with its members and topic) and its latest entries (`History`), its members the join.
    /// The host is shown them instead, and `/join` of a room it is in (`#general` too) switches.
    /// `after`: a reconnected client's newest entry of the room, answered with what came after
    /// it instead (`Room+RoomResume.swift`).
    mutating func joinRoom(_ typed: String, by member: Member, after: Int64? = nil, _ out: inout StepOutput) {
        guard let mine = roomsOf(member, "/join", &out) else { return }
        let name: String, read: String
        switch RoomName.read(typed) {
        case .failure(let refusal): return answer(member, refusal.line, &out)
        case .success(let r): (read, name) = (r, rooms.existing(r) ?? r)
        }
        if member.conn == nil, name == RoomName.general || mine.contains(name) {
            return hostShows(name == RoomName.general ? nil : name, &out)
        }
        if name == RoomName.general { return answer(member, "You are in #general: everyone is.", &out) }
        if rejoinedDropped(name, after: after, by: member, &out) { return }
        if mine.contains(name) { return refuseJoin(of: read, member, "You are in #\(name) already.", &out) }
        guard mine.count < Limits.maxRoomsPerConnection else {
            return refuseJoin(of: read, member, "You are in \(Limits.maxRoomsPerConnection) rooms besides #general, the most one may be in: /part one first.", &out)
        }
        if rooms[name] == nil {
            guard rooms.count < Limits.maxRooms else {
                return refuseJoin(of: read, member, "The server has \(Limits.maxRooms) rooms, the most it keeps: /rooms lists them.", &out)
            }
            rooms.make(Rooms.Channel(name: name))
            out.log("room #\(name) made by \(quoted(member.name))")
        }
        var channel = rooms[name]!
        let latest = channel.log.newest(Limits.historyPage)
        let others = channel.members
        if let conn = member.conn {
            connections[conn]?.rooms.append(name)
            channel.members.append(conn)
        } else {
            channel.hasHost = true
        }
        let entry = record(.join, in: &channel, by: member, &out)
        rooms[name] = channel
        out.log("join #\(name) \(member.conn?.description ?? "host") \(quoted(member.name))")
        if let conn = member.conn {
            let whole = roomMembers(of: channel).map(RoomMember.init)
            send(.join(RoomJoin(room: name, member: RoomMember(member), seq: entry.seq, wallMillis: entry.wallMillis,
                                whole: (whole, channel.topic))), to: conn, &out)
            if let after, let c = connections[conn], c.wantsResume, let session = c.session {
                catchUp(name, after: after, before: entry.seq, session: session, for: conn, &out)
            } else {
                send(.history(room: name, entries: latest, more: channel.log.more(before: latest)), to: conn, &out)
            }
            if channel.hasHost { out.show(RoomsOnScreen.arrived(member.name, in: name, at: entry.wallMillis)) }
        } else {
            hostJoined(name, channel, latest: latest, &out)
        }
        out.send(ExtensionCodec.frame(.join(RoomJoin(room: name, member: RoomMember(member), seq: entry.seq,
                                                     wallMillis: entry.wallMillis))), to: others)
    }

    /// An entry of a room besides `#general`, stamped with the wall clock `#general`'s log was
    /// told, for the step's store.
    func record(_ kind: RoomEntry.Kind, in channel: inout Rooms.Channel, by member: Member, text: String = "",
                clientID: String? = nil, _ out: inout StepOutput) -> RoomEntry {
        channel.log.wallNow = log.wallNow
        let entry = channel.log.record(kind, by: member, text: text, clientID: clientID)
        out.entries.append(entry)
        return entry
    }

    /// A `/join` of a well-formed name refused: a rooms client's `Notice` names the room as it
    /// read it, so its lines held for the room are told apart from any other answer's.
    func refuseJoin(of read: String, _ member: Member, _ text: String, _ out: inout StepOutput) {
        guard let conn = member.conn, connections[conn]?.wantsRooms == true else { return answer(member, text, &out) }
        send(.notice(text: text, refusedJoin: read), to: conn, &out)
    }

    /// `/part [#name]`: out of that room, or of the one the line was typed in.
    mutating func partRoom(_ typed: String?, typedIn room: String?, by member: Member, _ out: inout StepOutput) {
        guard let mine = roomsOf(member, "/part", &out) else { return }
        var name = room ?? RoomName.general
        if let typed {
            switch RoomName.read(typed) {
            case .failure(let refusal): return answer(member, refusal.line, &out)
            case .success(let read): name = rooms.existing(read) ?? read
            }
        }
        if name == RoomName.general {
            return answer(member, "Everyone is always in #general, the original's room: /quit leaves the server.", &out)
        }
        guard mine.contains(name) else { return answer(member, "You are not in #\(name).", &out) }
        leaveRoom(name, member, &out)
    }

    /// Takes a member (or the host) out of one room: recorded, and told to it and to those still there.
    mutating func leaveRoom(_ name: String, _ member: Member, _ out: inout StepOutput) {
        guard var channel = rooms[name] else { return }
        let told = channel.members
        if let conn = member.conn {
            channel.members.removeAll { $0 == conn }
            connections[conn]?.rooms.removeAll { $0 == name }
        } else {
            channel.hasHost = false
        }
        let entry = record(.leave, in: &channel, by: member, &out)
        rooms[name] = channel
        out.log("part #\(name) \(member.conn?.description ?? "host") \(quoted(member.name))")
        out.send(ExtensionCodec.frame(.part(room: name, uid: member.uid, name: member.name, seq: entry.seq,
                                            wallMillis: entry.wallMillis)), to: told.filter { connections[$0] != nil })
        if member.conn == nil {
            hostParted(name, &out)
        } else if channel.hasHost {
            out.show(RoomsOnScreen.went(member.name, from: name, at: entry.wallMillis))
        }
    }

    /// A member that left the server leaves each of its rooms (its connection is gone already).
    mutating func leaveRooms(_ names: [String], _ member: Member, _ out: inout StepOutput) {
        for name in names { leaveRoom(name, member, &out) }
    }

    /// A `Say`: a member's chat in one of its rooms, to the room's other members.
    mutating func say(_ raw: String, in name: String, from conn: ConnID, _ out: inout StepOutput) -> Int64? {
        guard let c = connections[conn], let member = c.member, c.wantsRooms else {
            violation(conn, "Say " + (connections[conn]?.member == nil ? "before JoinRequest" : "without the rooms feature"), &out)
            return nil
        }
        // A Say can cross a part, a kick from the room or its deletion on the wire: the client
        // did nothing wrong, so it is told, not counted a protocol error.
        guard c.rooms.contains(name) else {
            out.log("Say from \(conn) to a room it is not in; not sent")
            answer(member, "Not sent: you are not in \(RoomName.quoted(peer: name)).", &out)
            return nil
        }
        if let wait = takeChatToken(conn) { return wait }
        let text = TextRules.cleanText(raw)
        if TextRules.isBlank(text) { return nil }
        if let refusal = TextRules.refusal(text) { answer(member, refusal.notice, &out); return nil }
        if silenced(member, &out) { return nil }
        activity.note(member.uid, at: now)
        roomEntry(.chat, text, in: name, by: member, echo: false, clientID: Self.sayClientID(c.session), &out)
        return nil
    }

    /// Records an entry of a room and sends it to the room's members (its author too, unless
    /// it is a chat: the sender shows its own at once, as in `#general`).
    mutating func roomEntry(_ kind: RoomEntry.Kind, _ text: String, in name: String, by member: Member,
                            echo: Bool, clientID: String? = nil, _ out: inout StepOutput) {
        guard var channel = rooms[name] else { return }
        let entry = record(kind, in: &channel, by: member, text: text, clientID: clientID, &out)
        if kind == .topic { channel.topic = text.isEmpty ? nil : text }
        rooms[name] = channel
        let to = echo ? channel.members : channel.members.filter { $0 != member.conn }
        out.send(ExtensionCodec.frame(.roomEntry(uid: member.uid, entry)), to: to)
        showHost(entry, of: channel, by: member, echo: echo, &out)
    }

    /// `/topic` typed in a room besides `#general`: shown, set, or cleared (`/topic -delete`).
    mutating func setRoomTopic(_ text: String?, in name: String, by member: Member, _ out: inout StepOutput) {
        guard let topic = text else {
            let now = rooms[name]?.topic
            return answer(member, now.map { "The topic of #\(name): \($0)" } ?? "#\(name) has no topic: /topic TEXT sets one.", &out)
        }
        if let refusal = Self.topicRefusal(topic) { return answer(member, refusal, &out) }
        out.log("topic #\(name) by \(quoted(member.name)): \(quoted(topic))")
        roomEntry(.topic, topic == Self.clearTopic ? "" : topic, in: name, by: member, echo: true, &out)
    }

    /// `/topic -delete` clears a topic (weechat's and irssi's word for it).
    static let clearTopic = "-delete"

    /// `/rooms`: every room, `#general` first, with its member count and topic.
    func listRooms(for member: Member, _ out: inout StepOutput) {
        var list = [RoomSummary(name: RoomName.general, members: members.count, topic: topic)]
        for name in rooms.order {
            let channel = rooms[name]!
            list.append(RoomSummary(name: name, members: channel.count, topic: channel.topic))
        }
        if let conn = member.conn, connections[conn]?.wantsRooms == true { return send(.rooms(list), to: conn, &out) }
        answer(member, list.count == 1 ? "1 room:" : "\(list.count) rooms:", &out)
        for r in list { answer(member, r.line, &out) }
    }

    /// The room a member's line was typed in, if it may be used: one of its rooms besides
    /// `#general` (nil: `#general`, or a room it is not in, which it is told).
    func typedIn(_ room: String?, by member: Member, _ out: inout StepOutput) -> String?? {
        guard let room, room != RoomName.general else { return .some(nil) }
        guard let conn = member.conn, connections[conn]?.rooms.contains(room) == true else {
            answer(member, "You are not in \(RoomName.quoted(peer: room)).", &out)
            return nil
        }
        return .some(room)
    }

    /// The rooms besides `#general` the member is in, if it may use the rooms commands: the
    /// host, or a pychat client that negotiated `rooms`. An original client stays in `#general`.
    private func roomsOf(_ member: Member, _ command: String, _ out: inout StepOutput) -> [String]? {
        guard let conn = member.conn else { return hostRooms.joined }
        guard let c = connections[conn], c.wantsRooms else {
            let original = connections[conn]?.common == nil
            answer(member, "\(command) needs a pychat client that knows rooms: " + (original
                ? "an original PyChat client stays in #general." : "this one stays in #general."), &out)
            return nil
        }
        return c.rooms
    }

    /// What the log held of a room besides `#general` when the server started: the room is
    /// made again, with its topic. Past `Limits.maxRooms` a room is not restored (logged).
    mutating func restoreRoom(_ name: String, nextSeq: Int64, latest: [RoomEntry], topic: RoomEntry?, _ out: inout StepOutput) {
        if droppedForGood(name, nextSeq: nextSeq, &out) { return }
        if rooms[name] == nil {
            guard rooms.count < Limits.maxRooms, RoomName.read("#" + name) == .success(name), rooms.existing(name) == nil else {
                return out.log("room log: room \(quoted(name)) not restored (past \(Limits.maxRooms) rooms, or not a room's name)")
            }
            rooms.make(Rooms.Channel(name: name))
        }
        rooms[name]!.log.restore(nextSeq: nextSeq, latest: latest)
        // A topic set before a drop of the name was the dropped room's.
        if let topic, topic.seq >= rooms[name]!.log.firstSeq { rooms[name]!.topic = topic.text.isEmpty ? nil : topic.text }
    }

    /// The rooms besides `#general`, in order of making, with their members' connections.
    public var roomNames: [String] { rooms.order }
    public func roomMembers(_ name: String) -> [ConnID]? { name == RoomName.general ? joined : rooms[name]?.members }
    public func topic(of name: String) -> String? { name == RoomName.general ? topic : rooms[name]?.topic }
}

extension RoomMember {
    init(_ m: Room.Member) { self.init(uid: m.uid, name: m.name, color: m.color) }
}

extension RoomSummary {
    /// `  #rust 3 members: the topic`, a `/rooms` line for a client that cannot read `Rooms`.
    var line: String {
        let count = members == 1 ? "1 member" : "\(members) members"
        return Room.fitted("  #\(name) \(count)" + (topic.map { ": " + $0 } ?? ""))
    }
}
