import ChatState

/// The rooms the log holds (issue #14), for restoring each at start.
extension RoomLog {
    /// Every room that has an entry committed, in the order they were first written.
    public var roomNames: [String] {
        rooms.compactMap { name, room in room.id.map { (id: $0, name: name) } }.sorted { $0.id < $1.id }.map(\.name)
    }

    /// Each dropped room's floor, read at open. A drop whose entries a crash kept from being
    /// committed still moves the room's numbers past it: no later entry is hidden as the dropped's.
    func readFloors() throws {
        let floors = try db.prepare(ModerationSchema.floors)
        defer { floors.reset() }
        while try floors.step() {
            let name = floors.text(0), floor = floors.int64(1)
            rooms[name, default: Room(id: nil, lastSeq: 0, entries: 0)].floor = floor
            rooms[name]!.lastSeq = max(rooms[name]!.lastSeq, floor)
        }
    }

    /// A `/drop` kept: from now on the room's entries up to the drop are the dropped room's.
    /// The room's numbers are the core's to move on (the drop's own entry is still to be
    /// appended this turn).
    func keepDrop(_ drop: RoomDrop) throws(SQLiteFailure) {
        let s = try db.prepare(ModerationSchema.dropRoom)
        s.bindCopy(1, drop.room)
        s.bind(2, drop.throughSeq)
        s.bindCopy(3, drop.by)
        s.bindCopy(4, drop.reason)
        s.bind(5, drop.wallMillis)
        try s.run()
        rooms[drop.room, default: Room(id: nil, lastSeq: 0, entries: 0)].floor = max(rooms[drop.room]?.floor ?? 0, drop.throughSeq)
    }

    /// A room's latest topic entry (its text empty if the topic was cleared): a restarted
    /// server's room keeps its topic, however long ago it was set. Read once per room at start,
    /// newest first along the `(room, seq)` index: a room whose topic is recent costs a few
    /// rows, one that never had one a scan of its entries (once, before the server listens).
    public func latestTopic(room name: String) throws(RoomLogError) -> RoomEntry? {
        guard let room = rooms[name]?.id else { return nil }
        do {
            let s = try db.prepare(
                "SELECT \(RoomLogSchema.columns) FROM entries WHERE room = ?1 AND kind = 'topic' AND seq > ?2 ORDER BY seq DESC LIMIT 1")
            defer { s.reset() }
            s.bind(1, room)
            // A topic set before the room was dropped was the dropped room's.
            s.bind(2, rooms[name]?.floor ?? 0)
            while try s.step() {
                if let e = entry(s, room: name) { return e }
            }
            return nil
        } catch {
            throw RoomLogError(path: path, error)
        }
    }
}
