/// The room's side of its log (issue #13): every chat, join and leave becomes a `RoomEntry` with
/// the next sequence number and the server's latest wall-clock time, handed to the interpreter
/// as `Effect.store`; the latest entries stay in memory, so a join is answered without asking
/// the store. The core never reads the log itself: older pages and searches are
/// `Effect.queryHistory`, answered by `Event.historyAnswered`.
struct RoomLog: Sendable {
    let room: String
    /// The next entry's sequence number: 1 in a new room, the log's own after `restore`.
    private(set) var nextSeq: Int64 = 1
    /// The room's first sequence number: 1, or one past a drop's last for a room made again with
    /// a dropped room's name (`RoomDrop`), whose older entries are not this room's.
    private(set) var firstSeq: Int64 = 1
    /// Unix milliseconds from the latest `Event.time` that carried them; 0 until one did.
    var wallNow: Int64 = 0
    private(set) var latest: Ring<RoomEntry>

    init(room: String, memory: Int = Limits.roomMemoryEntries) {
        self.room = room
        latest = Ring(capacity: max(1, memory))
    }

    /// What the log held when the server started. A sequence number never goes back, whatever
    /// the log says: entries written since are not renumbered.
    mutating func restore(nextSeq: Int64, latest entries: [RoomEntry]) {
        self.nextSeq = max(self.nextSeq, nextSeq)
        var ring = Ring<RoomEntry>(capacity: latest.capacity)
        for e in entries where e.room == room && e.seq >= firstSeq { ring.append(e) }
        for i in 0..<latest.count { ring.append(latest[i]) }
        latest = ring
    }

    /// A room made again with a dropped room's name: its numbers go on after the drop's, and
    /// nothing at or below it is this room's.
    mutating func startAfter(_ seq: Int64) {
        firstSeq = max(firstSeq, seq + 1)
        nextSeq = max(nextSeq, firstSeq)
    }

    /// The next entry of the room, remembered and returned for `Effect.store`.
    mutating func record(_ kind: RoomEntry.Kind, by member: Room.Member, text: String = "",
                         clientID: String? = nil) -> RoomEntry {
        let entry = RoomEntry(room: room, seq: nextSeq, wallMillis: wallNow, kind: kind, author: member.name,
                              authorUID: member.uid, color: member.color, text: text, clientID: clientID)
        nextSeq += 1
        latest.append(entry)
        return entry
    }

    /// The entries in memory after `after` and before `before`, oldest first: what a member
    /// that saw `after` missed before it rejoined (a rejoin's history ends at `before`).
    func entries(after: Int64, before: Int64) -> [RoomEntry] {
        var start = latest.count
        while start > 0, latest[start - 1].seq > after { start -= 1 }
        return (start..<latest.count).map { latest[$0] }.filter { $0.seq < before }
    }

    /// The entries after `after` and before `before`, oldest first, when memory holds all of them
    /// (its oldest is the first after `after`, or older). nil: only the store can answer.
    func all(after: Int64, before: Int64) -> [RoomEntry]? {
        guard let first = latest.first, first.seq <= max(after + 1, firstSeq) else { return nil }
        return entries(after: after, before: before)
    }

    /// The newest `limit` entries in memory, oldest first.
    func newest(_ limit: Int) -> [RoomEntry] {
        let n = min(limit, latest.count)
        return (latest.count - n..<latest.count).map { latest[$0] }
    }

    /// The page of `limit` entries before `seq`, oldest first, when memory holds all of it:
    /// `limit` such entries, or fewer with nothing older than them in the log (the oldest in
    /// memory is the room's first). nil: only the store can answer.
    func page(before seq: Int64, limit: Int) -> (entries: [RoomEntry], more: Bool)? {
        var end = latest.count
        while end > 0, latest[end - 1].seq >= seq { end -= 1 }
        let start = max(0, end - limit)
        let complete = latest.first.map { $0.seq <= firstSeq } ?? (nextSeq <= firstSeq)
        guard end - start == limit || (start == 0 && complete) else { return nil }
        let entries = (start..<end).map { latest[$0] }
        return (entries, more(before: entries))
    }

    /// Entry `seq` and up to `limit` entries on each side of it, oldest first, when memory holds
    /// all of them: the oldest in memory is at least `limit` before it, or is the room's first.
    /// nil: only the store can answer.
    func around(_ seq: Int64, limit: Int) -> [RoomEntry]? {
        guard let first = latest.first, first.seq <= max(firstSeq, seq - Int64(limit)) else { return nil }
        var start = latest.count
        while start > 0, latest[start - 1].seq >= seq - Int64(limit) { start -= 1 }
        var end = start
        while end < latest.count, latest[end].seq <= seq + Int64(limit) { end += 1 }
        return (start..<end).map { latest[$0] }
    }

    /// Whether entries older than these may be in the log: a page that starts after the room's
    /// first entry may have some before it (the log may have let them go).
    func more(before entries: [RoomEntry]) -> Bool { (entries.first?.seq ?? firstSeq) > firstSeq }
}
