import ChatState
import CSQLite
import Glibc

/// The room log: every room's entries in one SQLite file, held by one server.
///
/// The runtime appends a turn's entries as the core emits them and calls `commit` once per
/// loop turn before it writes to any socket, so an entry anyone was sent is committed first
/// (one transaction per turn keeps the relay fast). Durability: WAL with `synchronous=NORMAL`.
/// A committed transaction is in the WAL file, in the kernel's page cache, when `commit`
/// returns, so it survives `kill -9` (or a crash) of the process; only a power loss or a
/// kernel crash can lose the last transactions before the next checkpoint's fsync (FULL would
/// fsync every turn, a disk flush per relay turn).
///
/// The file is locked (`locking_mode=EXCLUSIVE`, `busy_timeout=0`) for as long as it is open:
/// a second server on the same log is told at once, instead of waiting or interleaving.
///
/// A commit that fails (a full disk, an I/O error) does not stop the room: the log says so
/// once (`RoomLogStatus.stopped`), keeps nothing while it is not recording, tries again every
/// `retryMillis`, and says when it records again and how many entries it missed.
public final class RoomLog {
    public let path: String
    /// This log's identity (see `Event.logIdentity`), made when the file was and kept in it.
    public let identity: String
    let db: SQLiteDatabase
    /// How long after a failed commit the next one is tried.
    public var retryMillis: Int64 = 5_000
    public private(set) var isRecording = true

    /// What is known of each room: its id in `rooms` (nil until its first commit), the last
    /// sequence number given (committed, pending or missed) and the committed entry count.
    struct Room {
        var id: Int64?
        var lastSeq: Int64
        var entries: Int
        /// The latest drop's `through_seq` (0: never dropped): entries at or below it are the
        /// dropped room's, never answered (`RoomLog+Rooms.swift`).
        var floor: Int64 = 0
    }

    var rooms: [String: Room] = [:]
    private var pending: [RoomEntry] = []
    /// Entries appended and not committed yet: what a crash now would lose.
    package var uncommittedCount: Int { pending.count }
    private var refused = 0
    private var missed = 0
    private var retryAt: Int64 = 0
    /// The loop's clock at the latest commit: upkeep waits for a second without one.
    public private(set) var lastCommitMillis: Int64 = 0
    /// Statuses of a commit made for a read (see `answer`), told by the next `commit`.
    private var heldStatuses: [RoomLogStatus] = []

    // Prepared once, reused for every row.
    let begin, commitStatement, rollback: SQLiteStatement
    let insertRoom, updateRoom, insertEntry, indexEntry, unindexEntry, deleteEntry: SQLiteStatement
    let before, after, search, oldest, pruned, unindexed, setIndexed: SQLiteStatement

    /// The search index holds entries up to this id (see `RoomLogSchema`); `newestID` is the
    /// newest entry's.
    var indexedThrough: Int64 = 0
    var newestID: Int64 = 0
    /// `sqlite3_total_changes64` at the last checkpoint (see `RoomLog+Checkpoint`).
    var changesAtCheckpoint: Int64 = 0
    /// Unindexed entries a commit lets pile up before it indexes them in the same transaction.
    /// A search indexes what is pending before it answers, so this bounds the first search after
    /// a burst: 1.5 ms at 500 against 13 to 58 ms at 2 000 (`RoomLogBenchmark.indexBatchSizes`),
    /// with commits of one entry no slower (FTS5's per-batch cost is small at this size).
    public static let indexBatch: Int64 = 500
    /// This log's batch: `indexBatch`, or another size a benchmark compares.
    let indexBatch: Int64

    /// Opens (or creates, with its folders) the log at `path`; every failure is one line.
    /// A new file gets `newIdentity`, or a random one (a simulation passes one drawn from its seed).
    public init(path: String, indexBatch: Int64 = RoomLog.indexBatch, newIdentity: UID? = nil) throws(RoomLogError) {
        self.path = path
        self.indexBatch = indexBatch
        func failed(_ f: SQLiteFailure) -> RoomLogError { RoomLogError(path: path, f) }
        guard sqlite3_compileoption_used("ENABLE_FTS5") == 1 else {
            throw RoomLogError(path: path, reason: .noFullTextSearch)
        }
        try Self.makeFolders(containing: path)
        // SQLite opens an unwritable file read-only without a word and fails later with an
        // I/O error; asked first, the answer names the cause. The folder must be writable too:
        // the WAL file goes beside the log.
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        for p in [path, folder.isEmpty ? "/" : folder] where access(p, F_OK) == 0 && access(p, W_OK) != 0 {
            throw RoomLogError(path: path, reason: .readOnly)
        }
        do {
            db = try SQLiteDatabase(path: path)
            try db.execute("PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE")
            // The first read of the file: garbage fails here as "not a database".
            let mode = try db.prepare("PRAGMA journal_mode = WAL")
            let walOn = try mode.step() && mode.text(0) == "wal"
            mode.reset()
            guard walOn else {
                throw RoomLogError(path: path, reason: db.isReadOnly ? .readOnly : .other(detail: "WAL mode is not available"))
            }
            if db.isReadOnly { throw RoomLogError(path: path, reason: .readOnly) }
            try db.execute("PRAGMA synchronous = NORMAL")
            // Checkpoints are the runtime's to schedule, when the loop is idle (see
            // `RoomLog+Checkpoint`); SQLite's own would run inside a commit, before a relay.
            try db.execute("PRAGMA wal_autocheckpoint = 0")
            // The write lock, held from now on (exclusive locking mode): another pychat on this
            // file fails here as busy.
            try db.execute("BEGIN IMMEDIATE")
            try Self.prepareSchema(db, path: path)
            identity = try Self.identity(db, new: newIdentity)
            try db.execute("COMMIT")

            begin = try db.prepare("BEGIN")
            commitStatement = try db.prepare("COMMIT")
            rollback = try db.prepare("ROLLBACK")
            insertRoom = try db.prepare(RoomLogSchema.insertRoom)
            updateRoom = try db.prepare(RoomLogSchema.updateRoom)
            insertEntry = try db.prepare(RoomLogSchema.insertEntry)
            indexEntry = try db.prepare(RoomLogSchema.indexEntry)
            unindexEntry = try db.prepare(RoomLogSchema.unindexEntry)
            deleteEntry = try db.prepare(RoomLogSchema.deleteEntry)
            before = try db.prepare(RoomLogSchema.before)
            after = try db.prepare(RoomLogSchema.after)
            search = try db.prepare(RoomLogSchema.search)
            oldest = try db.prepare(RoomLogSchema.oldest)
            pruned = try db.prepare(RoomLogSchema.pruned)
            unindexed = try db.prepare(RoomLogSchema.unindexed)
            setIndexed = try db.prepare(RoomLogSchema.setIndexed)
            indexedThrough = try db.integer("SELECT indexed_through FROM search_state") ?? 0
            newestID = try db.integer("SELECT max(id) FROM entries") ?? 0

            let list = try db.prepare("SELECT id, name, last_seq, entries FROM rooms")
            while try list.step() {
                rooms[list.text(1)] = Room(id: list.int64(0), lastSeq: list.int64(2), entries: Int(list.int64(3)))
            }
            try readFloors()
        } catch let e as RoomLogError {
            throw e
        } catch let f as SQLiteFailure {
            throw failed(f)
        } catch {
            throw RoomLogError(path: path, reason: .other(detail: "\(error)"))
        }
    }

    /// The file's identity, made (a random UUID) the first time a pychat that keeps one opens it.
    /// A table of its own, so that version 1 files of earlier builds gain it without a migration.
    private static func identity(_ db: SQLiteDatabase, new: UID?) throws -> String {
        try db.execute(RoomLogSchema.createIdentity)
        let read = try db.prepare(RoomLogSchema.identity)
        defer { read.reset() }
        if try read.step() { return read.text(0) }
        let id = (new ?? UID(randomBits: UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))).description
        // A UUID's canonical form is hex digits and dashes: safe as a literal.
        try db.execute(RoomLogSchema.insertIdentity(id))
        return id
    }

    /// A new file gets the schema; a known version is used as it is; anything else is refused
    /// untouched.
    private static func prepareSchema(_ db: SQLiteDatabase, path: String) throws -> Void {
        let version = try db.integer("PRAGMA user_version") ?? 0
        if version > RoomLogSchema.version {
            throw RoomLogError(path: path, reason: .newerVersion(found: version, known: RoomLogSchema.version))
        }
        if version == RoomLogSchema.version { return }
        if version == 1 { return try db.execute(ModerationSchema.migrateFrom1) }
        if version == 2 { return try db.execute(ModerationSchema.migrateFrom2) }
        if version == 3 { return try db.execute(ModerationSchema.migrateFrom3) }
        let tables = try db.integer("SELECT count(*) FROM sqlite_master") ?? 0
        guard tables == 0 else {
            throw RoomLogError(path: path, reason: .corrupt(detail: "an SQLite database of something else"))
        }
        try db.execute(RoomLogSchema.create)
    }

    /// `mkdir -p` of the file's folder; new folders are private (0700), as state folders are.
    private static func makeFolders(containing path: String) throws(RoomLogError) {
        var prefix = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (i, part) in parts.enumerated() {
            prefix += (i == 0 ? "" : "/") + part
            guard !part.isEmpty, part != "." else { continue }
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                let why = String(cString: strerror(errno))
                throw RoomLogError(path: path, reason: errno == EROFS || errno == EACCES
                                   ? .readOnly : .cannotOpen(detail: "cannot make the folder \(prefix): \(why)"))
            }
        }
    }

    // MARK: Writing

    /// The sequence number the room's next entry gets: one past every number ever given.
    public func nextSeq(room: String) -> Int64 {
        (rooms[room]?.lastSeq ?? 0) + 1
    }

    /// Buffers entries for the next commit. An entry whose sequence number is not above its
    /// room's last one is refused (the commit reports how many): numbers only grow.
    public func append(_ entries: [RoomEntry]) {
        for e in entries {
            let last = rooms[e.room]?.lastSeq ?? 0
            guard e.seq > last else {
                refused += 1
                continue
            }
            rooms[e.room, default: Room(id: nil, lastSeq: 0, entries: 0)].lastSeq = e.seq
            pending.append(e)
        }
    }

    /// Commits everything appended since the last commit in one transaction. `now`: the
    /// loop's monotonic clock, for retrying after a failure. Returns what changed that the
    /// server should say (almost always nothing).
    public func commit(now: Int64) -> [RoomLogStatus] {
        lastCommitMillis = now
        var statuses = heldStatuses
        heldStatuses = []
        if refused > 0 {
            statuses.append(.refusedOutOfOrder(count: refused))
            refused = 0
        }
        guard !pending.isEmpty else { return statuses }
        if !isRecording && now < retryAt {
            missed += pending.count
            pending.removeAll(keepingCapacity: true)
            return statuses
        }
        do {
            try write(pending)
            pending.removeAll(keepingCapacity: true)
            // The WAL's bound, whoever uses the log: the runtime checkpoints long before, when idle.
            if uncheckpointedChanges >= Self.maxUncheckpointedChanges { try? checkpoint() }
            if !isRecording {
                isRecording = true
                statuses.append(.resumed(missed: missed))
                missed = 0
            }
        } catch {
            rollBackIfOpen()
            missed += pending.count
            pending.removeAll(keepingCapacity: true)
            retryAt = now + retryMillis
            if isRecording {
                isRecording = false
                statuses.append(.stopped(RoomLogError(path: path, error)))
            }
        }
        return statuses
    }

    /// Runs after the room ids are known; the cache changes only once the commit succeeded.
    private func write(_ batch: [RoomEntry]) throws(SQLiteFailure) {
        try begin.run()
        // Per run of entries of one room: its id, newest seq and count, applied after COMMIT.
        var runs: [(room: String, id: Int64, created: Bool, lastSeq: Int64, count: Int)] = []
        for e in batch {
            if runs.last?.room != e.room {
                if let run = runs.last { try finishRun(run) }
                if let id = rooms[e.room]?.id ?? runs.first(where: { $0.room == e.room })?.id {
                    runs.append((e.room, id, false, e.seq, 0))
                } else {
                    try withUTF8(e.room) { (name) throws(SQLiteFailure) in
                        insertRoom.bindText(1, name)
                        try insertRoom.run()
                    }
                    runs.append((e.room, db.lastInsertRowID, true, e.seq, 0))
                }
            }
            try insert(e, room: runs[runs.count - 1].id)
            runs[runs.count - 1].lastSeq = e.seq
            runs[runs.count - 1].count += 1
        }
        if let run = runs.last { try finishRun(run) }
        let newest = db.lastInsertRowID
        let indexed = newest - indexedThrough >= indexBatch ? try index(through: newest, limit: .max) : indexedThrough
        try commitStatement.run()
        newestID = newest
        indexedThrough = indexed
        for run in runs {
            rooms[run.room, default: Room(id: nil, lastSeq: run.lastSeq, entries: 0)].id = run.id
            rooms[run.room]!.entries += run.count
        }
    }

    private func finishRun(_ run: (room: String, id: Int64, created: Bool, lastSeq: Int64, count: Int)) throws(SQLiteFailure) {
        updateRoom.bind(1, run.id)
        updateRoom.bind(2, run.lastSeq)
        updateRoom.bind(3, Int64(run.count))
        try updateRoom.run()
    }

    /// One row, and for a chat its index entry, binding the entry's own bytes (no copies).
    private func insert(_ e: RoomEntry, room: Int64) throws(SQLiteFailure) {
        let s = insertEntry
        s.bind(1, room)
        s.bind(2, e.seq)
        s.bind(3, e.wallMillis)
        s.bind(7, Int64(e.color.r) << 16 | Int64(e.color.g) << 8 | Int64(e.color.b))
        // A uid is 16 bytes, big-endian halves: the UUID's own byte order.
        var uid = (e.authorUID?.high.bigEndian ?? 0, e.authorUID?.low.bigEndian ?? 0)
        try withUnsafeBytes(of: &uid) { (uidBytes) throws(SQLiteFailure) in
            if e.authorUID != nil { s.bindBlob(6, uidBytes) } else { s.bindNull(6) }
            try withUTF8(e.kind.rawValue) { (kind) throws(SQLiteFailure) in
                s.bindText(4, kind)
                try withUTF8(e.author) { (author) throws(SQLiteFailure) in
                    s.bindText(5, author)
                    try withUTF8(e.text) { (text) throws(SQLiteFailure) in
                        s.bindText(8, text)
                        try withUTF8(e.clientID ?? "") { (clientID) throws(SQLiteFailure) in
                            if e.clientID != nil { s.bindText(9, clientID) } else { s.bindNull(9) }
                            try s.run()
                        }
                    }
                }
            }
        }
    }

    /// Indexes the chats after `indexedThrough` (at most `limit` entries, up to `through`) in
    /// the open transaction, and returns the id indexed through; `indexedThrough` is set by
    /// the caller once the transaction is committed.
    private func index(through: Int64, limit: Int64) throws(SQLiteFailure) -> Int64 {
        var last = indexedThrough
        var taken: Int64 = 0
        unindexed.bind(1, indexedThrough)
        unindexed.bind(2, limit)
        defer { unindexed.reset() }
        while try unindexed.step() {
            let id = unindexed.int64(0)
            guard id <= through else { break }
            last = id
            taken += 1
            guard unindexed.textBytes(1).elementsEqual(RoomEntry.Kind.chat.rawValue.utf8) else { continue }
            // The row's own bytes in SQLite's memory, valid while the select stays on this row.
            indexEntry.bind(1, id)
            indexEntry.bindText(2, unindexed.textBytes(2))
            indexEntry.bindText(3, unindexed.textBytes(3))
            try indexEntry.run()
        }
        // Short of the limit: no row is left up to `through` (retention may have taken the newest).
        if taken < limit { last = through }
        setIndexed.bind(1, last)
        try setIndexed.run()
        return last
    }

    /// Brings the search index up to the log by at most `budget` entries in one transaction;
    /// the runtime calls it when idle (a search catches up by itself). Returns how many
    /// entries are still unindexed.
    @discardableResult
    public func indexPending(budget: Int) throws(RoomLogError) -> Int64 {
        guard newestID > indexedThrough, budget > 0 else { return 0 }
        do {
            try begin.run()
            let indexed = try index(through: newestID, limit: Int64(budget))
            try commitStatement.run()
            indexedThrough = indexed
        } catch {
            rollBackIfOpen()
            throw RoomLogError(path: path, error)
        }
        return newestID - indexedThrough
    }

    func rollBackIfOpen() {
        if sqlite3_get_autocommit(db.handle) == 0 { try? rollback.run() }
    }

    // MARK: Reading

    /// The newest `limit` entries of a room, oldest first: what a restarted server shows.
    public func latest(room: String, limit: Int) throws(RoomLogError) -> [RoomEntry] {
        try answer(HistoryQuery(id: 0, room: room, range: .before(seq: .max), limit: limit)).entries
    }

    /// The most entries one answer holds, whatever the query asks.
    public static let maxAnswerEntries = 1_000

    /// Answers a page or a search from what is committed (this turn's appended entries are
    /// committed first, so an answer never misses what was just said). A limit below 1 answers
    /// nothing; above `maxAnswerEntries` it is cut to that.
    public func answer(_ query: HistoryQuery) throws(RoomLogError) -> HistoryAnswer {
        if !pending.isEmpty { heldStatuses += commit(now: lastCommitMillis) }
        let limit = min(query.limit, Self.maxAnswerEntries)
        guard limit > 0, let room = rooms[query.room]?.id else { return HistoryAnswer(id: query.id, entries: [], more: false) }
        let s: SQLiteStatement
        switch query.range {
        case .before(let seq):
            s = before
            s.bind(2, seq)
        case .after(let seq):
            s = after
            s.bind(2, seq)
        case .around(let seq):
            // The entry and the page before it, then the page after: two indexed range reads.
            let (next, overflow) = seq.addingReportingOverflow(1)
            var page = HistoryQuery(id: query.id, room: query.room, range: .before(seq: overflow ? .max : next), limit: limit + 1)
            let before = try answer(page)
            page.range = .after(seq: seq)
            page.limit = limit
            let after = try answer(page)
            return HistoryAnswer(id: query.id, entries: before.entries + after.entries, more: before.more || after.more)
        case .search(let words):
            guard let match = SearchQuery.fts5(words) else { return HistoryAnswer(id: query.id, entries: [], more: false) }
            while try indexPending(budget: 10_000) > 0 {}
            s = search
            return try withUTF8(match) { (match) throws(RoomLogError) in
                s.bindText(2, match)
                return try read(s, room: room, name: query.room, limit: limit, id: query.id, reversed: false)
            }
        }
        let reversed = if case .before = query.range { true } else { false }
        return try read(s, room: room, name: query.room, limit: limit, id: query.id, reversed: reversed)
    }

    /// Steps a bound query for one more row than the limit: that row only says there is more.
    private func read(_ s: SQLiteStatement, room: Int64, name: String, limit: Int, id: Int64,
                      reversed: Bool) throws(RoomLogError) -> HistoryAnswer {
        defer { s.reset() }
        s.bind(1, room)
        s.bind(3, Int64(limit) + 1)
        s.bind(4, rooms[name]?.floor ?? 0)
        var entries: [RoomEntry] = []
        entries.reserveCapacity(min(limit, 128))
        var more = false
        do {
            while try s.step() {
                if entries.count == limit {
                    more = true
                    break
                }
                if let e = entry(s, room: name) { entries.append(e) }
            }
        } catch {
            throw RoomLogError(path: path, error)
        }
        if reversed { entries.reverse() }
        return HistoryAnswer(id: id, entries: entries, more: more)
    }

    /// A row of `RoomLogSchema.columns`; nil for a kind this pychat does not know.
    func entry(_ s: SQLiteStatement, room: String) -> RoomEntry? {
        guard let kind = RoomEntry.Kind(rawValue: s.text(2)) else { return nil }
        let uidBytes = s.blob(4)
        var uid: UID?
        if uidBytes.count == 16 {
            uid = UID(high: UInt64(bigEndian: uidBytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                      low: UInt64(bigEndian: uidBytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        let rgb = s.int64(5)
        return RoomEntry(room: room, seq: s.int64(0), wallMillis: s.int64(1), kind: kind, author: s.text(3),
                         authorUID: uid, color: RGB(r: UInt8(truncatingIfNeeded: rgb >> 16),
                                                    g: UInt8(truncatingIfNeeded: rgb >> 8),
                                                    b: UInt8(truncatingIfNeeded: rgb)),
                         text: s.text(6), clientID: s.isNull(7) ? nil : s.text(7))
    }
}

/// Something the room log tells the server about its recording, to log and show as a notice.
public enum RoomLogStatus: Equatable, Sendable {
    /// A commit failed: the room goes on, the log keeps nothing until a retry succeeds.
    case stopped(RoomLogError)
    /// Recording again; `missed` entries came while it was not and are not in the log.
    case resumed(missed: Int)
    /// Entries whose sequence numbers did not grow were not recorded (a bug in the caller).
    case refusedOutOfOrder(count: Int)
}
