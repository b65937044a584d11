import ChatState

/// The rooms the log holds (issue #14), for restoring each at start.
extension RoomLog {
    /// Every room that has an entry committed, in the order they were first written.
    public var roomNames: [String] {
        rooms.compactMap { name, room in room.id.map { (id: $0, name: name) } }.sorted { $0.id < $1.id }.map(\.name)
    }

    /// A room's latest topic entry (its text empty if the topic was cleared): a restarted
    /// server's room keeps its topic, however long ago it was set. Read once per room at start,
    /// newest first along the `(room, seq)` index: a room whose topic is recent costs a few
    /// rows, one that never had one a scan of its entries (once, before the server listens).
    public func latestTopic(room name: String) throws(RoomLogError) -> RoomEntry? {
        guard let room = rooms[name]?.id else { return nil }
        do {
            let s = try db.prepare("SELECT \(RoomLogSchema.columns) FROM entries WHERE room = ?1 AND kind = 'topic' ORDER BY seq DESC LIMIT 1")
            defer { s.reset() }
            s.bind(1, room)
            while try s.step() {
                if let e = entry(s, room: name) { return e }
            }
            return nil
        } catch {
            throw RoomLogError(path: path, error)
        }
    }
}
