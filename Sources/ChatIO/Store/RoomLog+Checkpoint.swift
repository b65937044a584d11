import CSQLite

/// WAL checkpoints, moved out of commits. SQLite's automatic checkpoint runs inside the commit
/// that crosses 1 000 pages, and a commit comes right before a relay's socket writes, so that
/// turn's messages waited for the checkpoint's copying and fsyncs (tens of ms). The log turns
/// the automatic one off and the runtime checkpoints when the loop is idle; a commit checkpoints
/// only once the WAL holds `maxUncheckpointedChanges` rows (a loop never idle, or a user of the
/// log that never checkpoints), so the WAL stays bounded whoever writes.
extension RoomLog {
    /// Rows written (entries, index rows, deletions) since the last checkpoint.
    public var uncheckpointedChanges: Int64 { sqlite3_total_changes64(db.handle) - changesAtCheckpoint }

    /// A commit checkpoints at this many changes, idle turn or not (a WAL of some tens of MB at
    /// most; a test writer once grew one to 81 GB without it).
    public static let maxUncheckpointedChanges: Int64 = 100_000

    /// Copies the WAL into the database and truncates it (no other connection reads this
    /// file: the log holds it exclusively). Nothing to do: returns at once.
    public func checkpoint() throws(RoomLogError) {
        guard uncheckpointedChanges > 0 else { return }
        let rc = sqlite3_wal_checkpoint_v2(db.handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        guard rc == SQLITE_OK else { throw RoomLogError(path: path, db.failure) }
        changesAtCheckpoint = sqlite3_total_changes64(db.handle)
    }

    /// Whether anything waits for an idle turn: a checkpoint or unindexed entries.
    public var hasUpkeep: Bool { uncheckpointedChanges > 0 || newestID > indexedThrough }
}
