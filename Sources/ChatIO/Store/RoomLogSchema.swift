/// The room log's tables, one version of them per `PRAGMA user_version`.
///
/// - `rooms`: one row per room, so entries name their room by a small integer, and so a room's
///   last sequence number survives retention deleting all of its entries (numbers only grow,
///   also across restarts) and its entry count is known at open without a scan.
/// - `entries`: the log. `(room, seq)` is the key; `id` is the rowid the search index points to
///   (FTS5 indexes rowids, and a WITHOUT ROWID table has none). Kinds are their names, so kinds
///   added later (renames, topics) need no new table.
/// - `search`: FTS5 over the chats' author and text, contentless (`content=''`): it keeps only
///   the index, no second copy of the texts, and answers with rowids, which is all a search
///   needs (the rows come from `entries`). Joins and leaves are not indexed: their text is
///   empty and a search for a name should find what that member said. Rows leave the index by
///   FTS5's 'delete' command with their original values, which `entries` still has.
///   `remove_diacritics 2`: "cafe" finds "café".
/// - `search_state`: the newest entry id the index holds. Indexing trails the log: FTS5 costs
///   most of an append and is far cheaper in large batches, so a turn's commit writes only the
///   rows (what durability needs) and the index catches up in batches of `RoomLog.indexBatch`,
///   when idle, and before any search. Both move in the same transactions, so after a crash the
///   index is exactly the rows up to `indexed_through`, and indexing goes on from there.
enum RoomLogSchema {
    /// The version this pychat writes. A file with a higher one is refused, never changed.
    /// 2: the moderation tables (`ModerationSchema`). 3: mutes kept too. 4: dropped rooms.
    static let version: Int64 = 4

    static let create = """
        CREATE TABLE rooms(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            last_seq INTEGER NOT NULL,
            entries INTEGER NOT NULL
        );
        CREATE TABLE entries(
            id INTEGER PRIMARY KEY,
            room INTEGER NOT NULL REFERENCES rooms(id),
            seq INTEGER NOT NULL,
            wall_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            author TEXT NOT NULL,
            author_uid BLOB,
            color INTEGER NOT NULL,
            text TEXT NOT NULL,
            client_id TEXT,
            UNIQUE(room, seq)
        );
        CREATE VIRTUAL TABLE search USING fts5(author, text, content='', tokenize='unicode61 remove_diacritics 2');
        CREATE TABLE search_state(id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL);
        INSERT INTO search_state VALUES (1, 0);
        \(ModerationSchema.create)
        PRAGMA user_version = \(version);
        """

    /// The log's identity (`RoomLog.identity`): one row, made when first opened.
    static let createIdentity = "CREATE TABLE IF NOT EXISTS identity(id INTEGER PRIMARY KEY CHECK (id = 1), log TEXT NOT NULL)"
    static let identity = "SELECT log FROM identity"
    static func insertIdentity(_ uuid: String) -> String { "INSERT INTO identity VALUES (1, '\(uuid)')" }
    static let insertRoom = "INSERT INTO rooms(name, last_seq, entries) VALUES (?1, 0, 0)"
    static let updateRoom = "UPDATE rooms SET last_seq = max(last_seq, ?2), entries = entries + ?3 WHERE id = ?1"
    static let insertEntry = """
        INSERT INTO entries(room, seq, wall_ms, kind, author, author_uid, color, text, client_id)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """
    static let indexEntry = "INSERT INTO search(rowid, author, text) VALUES (?1, ?2, ?3)"
    static let unindexEntry = "INSERT INTO search(search, rowid, author, text) VALUES ('delete', ?1, ?2, ?3)"
    static let unindexed = "SELECT id, kind, author, text FROM entries WHERE id > ?1 ORDER BY id LIMIT ?2"
    static let setIndexed = "UPDATE search_state SET indexed_through = ?1"
    static let deleteEntry = "DELETE FROM entries WHERE id = ?1"

    static let columns = "seq, wall_ms, kind, author, author_uid, color, text, client_id"
    /// Newest first below a sequence number (reversed into oldest first by the reader).
    /// `?4`: the room's floor, its latest drop's `through_seq` (0 if never dropped): what is at or
    /// below it was the dropped room's (`ModerationSchema`, `dropped_rooms`).
    static let before = "SELECT \(columns) FROM entries WHERE room = ?1 AND seq < ?2 AND seq > ?4 ORDER BY seq DESC LIMIT ?3"
    static let after = "SELECT \(columns) FROM entries WHERE room = ?1 AND seq > ?2 AND seq > ?4 ORDER BY seq LIMIT ?3"
    static let search = """
        SELECT e.seq, e.wall_ms, e.kind, e.author, e.author_uid, e.color, e.text, e.client_id
        FROM search JOIN entries e ON e.id = search.rowid
        WHERE search MATCH ?2 AND e.room = ?1 AND e.seq > ?4 ORDER BY search.rowid DESC LIMIT ?3
        """
    /// The oldest entries of a room, for retention.
    static let oldest = "SELECT id, wall_ms, kind, author, text FROM entries WHERE room = ?1 ORDER BY seq LIMIT ?2"
    static let pruned = "UPDATE rooms SET entries = entries - ?2 WHERE id = ?1"
}
