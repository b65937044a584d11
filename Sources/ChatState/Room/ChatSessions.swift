/// The last chat id the server has from each recent pychat session (feature `resume`), so a chat
/// resent after a cut is relayed once. Bounded: past `capacity` sessions, the one heard of
/// longest ago (its latest connection's `Resume`, or its first chat) is forgotten. Its order is a
/// queue, never a hash table's, so what it forgets is the same in every run.
struct ChatSessions: Sendable {
    struct Last: Equatable, Sendable {
        /// The newest chat id received from the session, and its entry in the room log.
        var id: Int64
        var seq: Int64
        /// When it was last heard of, by `clock`: a queue entry with an older stamp is stale.
        fileprivate var heard: Int64
    }

    let capacity: Int
    private var bySession: [UID: Last] = [:]
    /// Sessions in the order they were last heard of, stamped; stale ones are skipped.
    private var queue: [(session: UID, heard: Int64)] = []
    private var head = 0
    private var clock: Int64 = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { bySession.count }

    func last(_ session: UID) -> Last? { bySession[session] }

    /// The session is heard of (a `Resume`): it is the last to be forgotten.
    mutating func heard(_ session: UID) {
        let last = bySession[session] ?? Last(id: 0, seq: 0, heard: 0)
        clock += 1
        bySession[session] = Last(id: last.id, seq: last.seq, heard: clock)
        queue.append((session, clock))
        evict()
    }

    /// Chat `id` of the session is entry `seq`.
    mutating func note(_ session: UID, id: Int64, seq: Int64) {
        guard var last = bySession[session] else {
            heard(session)
            return note(session, id: id, seq: seq)
        }
        last.id = max(last.id, id)
        if last.id == id { last.seq = seq }
        bySession[session] = last
    }

    /// Rebuilds the table from the room log's latest entries when the server starts, so a chat
    /// received just before a crash is still known when its sender resends it.
    mutating func restore(from entries: [RoomEntry]) {
        for e in entries {
            if let (session, id) = Self.parse(e.clientID) { note(session, id: id, seq: e.seq) }
        }
    }

    /// An entry's `clientID` as the room writes it: `SESSION/ID`.
    static func clientID(_ session: UID, _ id: Int64) -> String { session.description + "/" + String(id) }

    static func parse(_ clientID: String?) -> (UID, Int64)? {
        guard let clientID, let slash = clientID.firstIndex(of: "/"),
              let session = UID(canonical: String(clientID[..<slash]).utf8),
              let id = Int64(clientID[clientID.index(after: slash)...]) else { return nil }
        return (session, id)
    }

    private mutating func evict() {
        while bySession.count > capacity, head < queue.count {
            let (session, heard) = queue[head]
            head += 1
            if bySession[session]?.heard == heard { bySession[session] = nil }
        }
        // Stale stamps pile up as sessions are heard of again: drop the consumed part at times.
        if head > capacity && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        if queue.count > capacity * 4 { compact() }
    }

    /// Keeps only the live stamps, in order (a few sessions heard of over and over).
    private mutating func compact() {
        let live = queue[head...].filter { bySession[$0.session]?.heard == $0.heard }
        queue = Array(live)
        head = 0
    }
}
