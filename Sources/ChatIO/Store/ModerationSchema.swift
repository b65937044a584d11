/// The tables of names held by certificates, ops, bans and mutes (issue #14), in the room log's
/// file: one database per server, so a restart finds them with its log. Added in schema version
/// 2, `mutes` in 3, `dropped_rooms` in 4; an older file gets what it lacks by `migrateFrom1`,
/// `migrateFrom2` or `migrateFrom3` (in the transaction that opens the file), its entries untouched.
///
/// - `identities`: one row per certificate (its SHA-256 fingerprint) that holds a name or is an
///   op. Fingerprints are the key, so a row is found without a scan.
/// - `bans`: one per subject, a certificate (`identity`) or an address; `expires_ms` is
///   wall-clock Unix milliseconds, NULL for a ban until `/unban`.
/// - `mutes`: one per subject, as `bans`; `expires_ms` NULL for a mute until `/unmute`.
/// - `held_messages`: private messages to a certificate that was not here, deleted once given
///   to it; `from_uid` is the sender's uid, 16 bytes as the entries keep theirs.
/// - `dropped_rooms` (version 4): one row per `/drop` of a room, kept for good as the record of
///   it. A room's entries at or below its latest `through_seq` are the dropped room's: never
///   answered for a room made again with the name, whose numbers go on after it (`RoomDrop`).
enum ModerationSchema {
    static let create = """
        CREATE TABLE identities(
            fingerprint TEXT PRIMARY KEY,
            name TEXT,
            op INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE bans(
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            name TEXT NOT NULL,
            by TEXT NOT NULL,
            reason TEXT,
            set_ms INTEGER NOT NULL,
            expires_ms INTEGER,
            PRIMARY KEY(kind, subject)
        ) WITHOUT ROWID;
        CREATE TABLE held_messages(
            id INTEGER PRIMARY KEY,
            identity TEXT NOT NULL,
            from_uid BLOB NOT NULL,
            from_name TEXT NOT NULL,
            color INTEGER NOT NULL,
            to_name TEXT NOT NULL,
            text TEXT NOT NULL,
            wall_ms INTEGER NOT NULL
        );
        CREATE INDEX held_messages_by_identity ON held_messages(identity);
        \(createMutes)
        \(createDrops)
        """

    static let createMutes = """
        CREATE TABLE mutes(
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            expires_ms INTEGER,
            PRIMARY KEY(kind, subject)
        ) WITHOUT ROWID;
        """

    static let createDrops = """
        CREATE TABLE dropped_rooms(
            id INTEGER PRIMARY KEY,
            room TEXT NOT NULL,
            through_seq INTEGER NOT NULL,
            by TEXT NOT NULL,
            reason TEXT,
            at_ms INTEGER NOT NULL
        );
        CREATE INDEX dropped_rooms_by_room ON dropped_rooms(room, through_seq);
        """

    static let migrateFrom1 = create + "PRAGMA user_version = \(RoomLogSchema.version);"
    static let migrateFrom2 = createMutes + createDrops + "PRAGMA user_version = \(RoomLogSchema.version);"
    static let migrateFrom3 = createDrops + "PRAGMA user_version = \(RoomLogSchema.version);"

    static let holdName = """
        INSERT INTO identities(fingerprint, name) VALUES (?1, ?2)
        ON CONFLICT(fingerprint) DO UPDATE SET name = excluded.name
        """
    static let setOp = """
        INSERT INTO identities(fingerprint, op) VALUES (?1, ?2)
        ON CONFLICT(fingerprint) DO UPDATE SET op = excluded.op
        """
    static let ban = """
        INSERT OR REPLACE INTO bans(kind, subject, name, by, reason, set_ms, expires_ms)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        """
    static let unban = "DELETE FROM bans WHERE kind = ?1 AND subject = ?2"
    static let mute = "INSERT OR REPLACE INTO mutes(kind, subject, expires_ms) VALUES (?1, ?2, ?3)"
    static let unmute = "DELETE FROM mutes WHERE kind = ?1 AND subject = ?2"
    /// In key order, as `identities`.
    static let mutes = "SELECT kind, subject, expires_ms FROM mutes ORDER BY kind, subject"
    static let keepMessage = """
        INSERT INTO held_messages(identity, from_uid, from_name, color, to_name, text, wall_ms)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        """
    static let deliveredMessages = "DELETE FROM held_messages WHERE identity = ?1"
    /// In the order they were sent.
    static let messages = "SELECT identity, from_uid, from_name, color, to_name, text, wall_ms FROM held_messages ORDER BY id"
    /// In key order: the same file restores the same records, in the same order.
    static let identities = "SELECT fingerprint, name, op FROM identities ORDER BY fingerprint"
    static let dropRoom = "INSERT INTO dropped_rooms(room, through_seq, by, reason, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)"
    /// Each room's latest drop, in order of dropping.
    static let drops = """
        SELECT room, through_seq, by, reason, at_ms FROM dropped_rooms d
        WHERE through_seq = (SELECT max(through_seq) FROM dropped_rooms WHERE room = d.room) ORDER BY id
        """
    /// Below which each dropped room's entries are not a later room's of its name.
    static let floors = "SELECT room, max(through_seq) FROM dropped_rooms GROUP BY room ORDER BY room"
    static let bans = "SELECT kind, subject, name, by, reason, set_ms, expires_ms FROM bans ORDER BY set_ms, kind, subject"
}
