/// A question the room asks of its log, answered later by an event (the core never waits): the
/// page before or after a sequence number, or a full-text search. `id` is the core's own, so an
/// answer finds its question however many are under way.
public struct HistoryQuery: Equatable, Hashable, Codable, Sendable {
    public enum Range: Equatable, Hashable, Codable, Sendable {
        /// The newest `limit` entries older than `seq`, oldest first (`Int64.max`: the newest of all).
        case before(seq: Int64)
        /// The oldest `limit` entries newer than `seq`, oldest first.
        case after(seq: Int64)
        /// The newest `limit` entries matching an FTS5 query made of these words, newest first.
        case search(words: [String])
        /// Entry `seq` (if the log still has it) with up to `limit` entries on each side of it,
        /// oldest first: a search result in context.
        case around(seq: Int64)
    }

    public var id: Int64
    public var room: String
    public var range: Range
    public var limit: Int

    public init(id: Int64, room: String, range: Range, limit: Int) {
        self.id = id
        self.room = room
        self.range = range
        self.limit = limit
    }
}

/// What the log answered: the entries (in the order `HistoryQuery.Range` says) and whether more
/// lie beyond them in the same direction.
public struct HistoryAnswer: Equatable, Codable, Sendable {
    public var id: Int64
    public var entries: [RoomEntry]
    public var more: Bool

    public init(id: Int64, entries: [RoomEntry], more: Bool) {
        self.id = id
        self.entries = entries
        self.more = more
    }
}
