import ChatState

/// When the room log writes, and nothing else. What the core appends waits for one commit,
/// made before the next socket write and at the end of the loop's turn at the latest: nothing
/// reaches anyone that a `kill -9` could take back, nothing is left uncommitted between two
/// turns, and a burst of steps costs one commit. The upkeep (search index, retention, WAL
/// checkpoint) runs a budget at a time, once the log has gone `idleMillis` without a commit and
/// at the latest every `maintenanceMillis`; after an upkeep fails, only that minute's retry, so
/// a log that cannot be upkept never spins the loop. The runtime reports what it returns.
struct RoomLogKeeper {
    let log: RoomLog
    /// Entries were appended since the last commit.
    private(set) var hasUncommitted = false
    private var maintainedAt: Int64 = 0
    private var upkeepFailed = false

    /// How often retention looks, at the latest, however busy the loop is.
    static let maintenanceMillis: Int64 = 60_000
    /// How long the log must go without a commit before its backlog (a checkpoint, unindexed
    /// entries) is worked off, a budget a turn, between the loop's events.
    static let idleMillis: Int64 = 1_000

    init(log: RoomLog) { self.log = log }

    mutating func append(_ entries: [RoomEntry]) {
        guard !entries.isEmpty else { return }
        log.append(entries)
        hasUncommitted = true
    }

    /// Commits what was appended since the last commit, if anything: what became of the recording.
    mutating func commit(now: Int64) -> [RoomLogStatus] {
        guard hasUncommitted else { return [] }
        hasUncommitted = false
        return log.commit(now: now)
    }

    /// When the next upkeep is due: the minute's look at retention, or sooner while work waits.
    var deadline: Int64 {
        let minute = maintainedAt + Self.maintenanceMillis
        return pendingUpkeepDeadline.map { min($0, minute) } ?? minute
    }

    /// When the work still waiting (unindexed entries, a checkpoint) is due; nil when there is
    /// none, or while a failed upkeep waits for the minute's retry.
    var pendingUpkeepDeadline: Int64? {
        log.hasUpkeep && !upkeepFailed ? log.lastCommitMillis + Self.idleMillis : nil
    }

    /// One budget of upkeep: index what is not yet, prune what `keep` no longer keeps, and
    /// checkpoint the WAL once the index has caught up. The error that stopped it, if one did.
    /// Commit first (`commit`): the upkeep works on committed entries only.
    mutating func maintain(now: Int64, wallMillis: () -> Int64, keep: StoreOptions) -> Error? {
        maintainedAt = now
        do {
            let unindexed = try log.indexPending(budget: StoreOptions.pruneBudget)
            _ = try log.prune(keepEntries: keep.keepEntries, keepDays: keep.keepDays, now: wallMillis(), budget: StoreOptions.pruneBudget)
            if unindexed == 0 { try log.checkpoint() }
            upkeepFailed = false
            return nil
        } catch {
            upkeepFailed = true
            return error
        }
    }
}
