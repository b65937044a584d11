import ChatState

/// What moderation keeps (names held by certificates, ops, bans), between the core and the
/// room log's file: loaded as an event before the server listens, each change written as the
/// core's effect is performed. Without a log (`--ephemeral`) the room remembers them only for
/// as long as it runs.
extension Runtime {
    /// What the file keeps, with the ops of `--op`; nothing to say without either.
    func restoreModeration() {
        var records = ModerationRecords()
        if let roomLog {
            do {
                records = try roomLog.moderationRecords()
            } catch {
                log("room log: cannot read the bans, ops and names: \(error)")
            }
        }
        records.ops += options.ops.filter { !records.ops.contains($0) }
        if records != ModerationRecords() { dispatch(.restoredModeration(records)) }
    }

    func keepModeration(_ change: ModerationChange) {
        guard let roomLog else { return }
        do {
            try roomLog.keep(change)
        } catch {
            log("room log: cannot keep a moderation change: \(error)")
        }
    }
}
