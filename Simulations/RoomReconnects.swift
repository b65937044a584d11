import ChatState

/// A reconnecting client's rooms besides `#general`, followed as `#general` is
/// (`Reconnects.swift`): from its join of a room, every chat of that room it shows, live or
/// carried by a rejoin's `Resumed`, has a higher number than the last, and after the liveness
/// phase it has shown every chat stored in the room since its join but its own, across every
/// loss, rejoin, restart and kill. A part (or a drop of the room) ends the following of that room; a join after it
/// starts again. A drop while it was away is told to nobody: its rejoin goes into the room made
/// again under the name, and only that room's chats are owed.
struct RoomFollow {
    /// Its join's entry in the room: the entries after it came while it was a member.
    let start: Int64
    /// The numbers of the room's chats it showed after `start`, in order.
    var shown: [Int64] = []
    /// A rejoin said more was missed than it carries: not gap-free by design.
    var skipped = false
}

extension Simulator {
    /// One step of a reconnecting client: its joins and parts of rooms (from the frames it
    /// read), then the room lines it showed.
    func followRoomNumbers(_ i: Int, _ lines: [DisplayLine], _ payloads: [ArraySlice<UInt8>]) {
        guard var f = clients[i].follow else { return }
        let me = clients[i].uid
        var carried: [String: Set<Int64>] = [:]
        for p in payloads where p.first == ExtensionCodec.kind && mayBeMessage(p.dropFirst(), MessageNames.roomFollow) {
            switch decodeMemo.ext(p.dropFirst()) {
            case .join(let j)? where j.member.uid == me:
                // A rejoin after a reconnect goes on with the room; a join after a part starts again.
                if f.rooms[j.room] == nil { f.rooms[j.room] = RoomFollow(start: j.seq) }
            case let .part(room, uid, _, _, _)? where uid == me:
                f.rooms[room] = nil
            case let .dropped(drop, uid, _)? where uid == me:
                f.rooms[drop.room] = nil
            case .resumed(let part)? where part.room != RoomEntry.generalRoom:
                carried[part.room, default: []].formUnion(part.entries.map(\.seq))
            default:
                break
            }
        }
        for line in lines {
            guard let room = line.room, var r = f.rooms[room] else { continue }
            if line.text.hasPrefix("── "), line.text.contains("earlier entries of #\(room) were missed") { r.skipped = true }
            guard case .chat = line.kind, let seq = line.seq, seq > r.start, !line.pending,
                  !line.fromLog || carried[room]?.remove(seq) != nil else {
                f.rooms[room] = r
                continue
            }
            if let last = r.shown.last, seq <= last {
                clients[i].follow = f
                return fail(.totalOrder, "reconnecting client \(clients[i].actor) showed entry \(seq) of #\(room) after entry "
                            + "\(last): a duplicate or a reordering across a rejoin")
            }
            r.shown.append(seq)
            f.rooms[room] = r
        }
        clients[i].follow = f
    }

    /// After the liveness phase: each reconnecting client, joined and still in a room, showed
    /// every chat of that room stored since its join there, but its own.
    func checkRoomLogNumbers() {
        for c in clients {
            guard let f = c.follow, c.open, let session = c.app?.session, session.phase == .joined,
                  session.link.losses > 0 else { continue }
            let own = c.app?.config.reconnect.map { $0.session.description + "/" }
            // In name order, so the first failure reported is the same in every run.
            for room in f.rooms.keys.sorted() where session.rooms.joined.contains(room) {
                let r = f.rooms[room]!
                guard !r.skipped else { continue }
                // A drop while it was away (it was not told) ends the room it was in: a rejoin puts
                // it in the room made again under the name, which owns nothing of the old one.
                let from = max(r.start, droppedThrough[room] ?? 0)
                let wanted = storedLog.filter { e in
                    e.kind == .chat && e.room == room && e.seq > from
                        && !(own.map { e.clientID?.hasPrefix($0) == true } ?? false) && !f.uids.contains { $0 == e.authorUID }
                }
                let shown = Set(r.shown)
                if let e = wanted.first(where: { !shown.contains($0.seq) }) {
                    return fail(.totalOrder, "reconnecting client \(c.actor) (\(session.link.losses) losses) never showed entry "
                                + "\(e.seq) of #\(room) (\(e.author): \(printable(Array(e.text.utf8), max: 40))) of the "
                                + "\(wanted.count) after its join, \(r.start)")
                }
                stats.roomsFollowedAcrossRejoins += 1
                stats.roomLogNumbersChecked += wanted.count
            }
        }
    }
}
