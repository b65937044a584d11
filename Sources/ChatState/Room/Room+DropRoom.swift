/// `/drop #ROOM [REASON]` (issue #14): an op closes a room, as ergo's `CS PURGE` does. A server
/// keeps at most `Limits.maxRooms` rooms, each for good, so without it one member could fill
/// them all, and a room used for abuse could never be taken away.
///
/// The room's members (and the host, if in it) are taken out of it as by `/part`, each told why
/// in a `Part` of its own (docs/PROTOCOL.md "Dropping a room"); the room is gone from `/rooms`
/// and its slot is free. Its entries stay in the store, the drop's own last among them, as the
/// dropped room's: the store keeps the drop (`ModerationChange.dropRoom`), so a restart does
/// not bring the room back, and a room made again with the name starts empty, its numbers
/// going on after the drop's (`RoomLog.startAfter`).
public struct RoomDrop: Equatable, Codable, Sendable {
    public var room: String
    /// The drop's own entry, the dropped room's last: nothing at or below it belongs to a room
    /// made again with the name.
    public var throughSeq: Int64
    /// The op's name.
    public var by: String
    public var reason: String?
    /// Unix milliseconds, from the wall clock of `Event.time`.
    public var wallMillis: Int64

    public init(room: String, throughSeq: Int64, by: String, reason: String?, wallMillis: Int64) {
        self.room = room
        self.throughSeq = throughSeq
        self.by = by
        self.reason = reason
        self.wallMillis = wallMillis
    }

    /// `#rust was dropped by alice: spam`: what its members are told.
    public var line: String { "#\(room) was dropped by \(by)" + (reason.map { ": " + $0 } ?? "") }
}

extension RoomsOnScreen {
    /// The line shown to one who was in a dropped room, once its buffer is gone.
    static func dropped(_ drop: RoomDrop, talkingIn current: String?) -> DisplayLine {
        .notice(TextRules.cleanText(drop.line) + "; talking in #\(current ?? RoomName.general) now.")
    }
}

extension Room {
    /// An op's `/drop`: the room's members are put out of it, each told, and the room is gone.
    mutating func dropRoom(_ typed: String, reason: String?, by actor: Member, _ out: inout StepOutput) {
        let name: String
        switch RoomName.read(typed) {
        case .failure(let refusal): return answer(actor, refusal.line, &out)
        case .success(let read): name = rooms.existing(read) ?? read
        }
        if name == RoomName.general {
            return answer(actor, "#general cannot be dropped: it is the original's room, where everyone always is.", &out)
        }
        guard var channel = rooms[name] else { return answer(actor, "There is no room #\(name): /rooms lists them.", &out) }
        // The record of it, the room's last entry: kept in its log, as a kick is in #general's.
        let entry = record(.moderation, in: &channel, by: actor, text: "dropped #\(name)" + (reason.map { ": " + $0 } ?? ""), &out)
        let drop = RoomDrop(room: name, throughSeq: entry.seq, by: actor.name, reason: reason, wallMillis: entry.wallMillis)
        _ = rooms.drop(drop)
        out.effects.append(.keepModeration(.dropRoom(drop)))
        out.log("moderation: \(quoted(entry.summary)) (\(channel.count) in it)")
        // Answers the store has yet to give about the room would come for a room no one is in.
        if !pendingQueries.isEmpty { pendingQueries = pendingQueries.filter { $0.value.room != name } }
        for conn in channel.members {
            guard let member = connections[conn]?.member else { continue }
            connections[conn]?.rooms.removeAll { $0 == name }
            send(.dropped(drop, uid: member.uid, name: member.name), to: conn, &out)
        }
        if channel.hasHost {
            hostRooms.joined.removeAll { $0 == name }
            if hostRooms.current == name { hostRooms.current = nil }
            out.show(RoomsOnScreen.dropped(drop, talkingIn: hostRooms.current))
        }
        // The op is told as its members are, or in one line if it was not in the room.
        let told = actor.conn.map(channel.members.contains) ?? channel.hasHost
        if !told { answer(actor, drop.line, &out) }
    }

    /// A reconnected client's rejoin (`after`) of a room dropped while it was away, and not made
    /// again since: it is told the room is gone, as its members were, rather than making it anew.
    /// True when it was.
    mutating func rejoinedDropped(_ name: String, after: Int64?, by member: Member, _ out: inout StepOutput) -> Bool {
        guard after != nil, rooms[name] == nil, let drop = rooms.dropped[name], let conn = member.conn else { return false }
        out.log("\(conn) rejoins #\(name), dropped by \(quoted(drop.by)): told it is gone")
        send(.dropped(drop, uid: member.uid, name: member.name), to: conn, &out)
        return true
    }

    /// Whether a room the store holds was dropped with nothing said in it since: not restored.
    func droppedForGood(_ name: String, nextSeq: Int64, _ out: inout StepOutput) -> Bool {
        guard rooms[name] == nil, let drop = rooms.dropped[name], nextSeq - 1 <= drop.throughSeq else { return false }
        out.log("room log: room #\(name) not restored: dropped by \(quoted(drop.by))")
        return true
    }
}
