import ChatState

/// The room log's side of the loop. The core's entries are appended as its steps make them and
/// committed in one transaction before the next socket write, so nothing reaches anyone that a
/// `kill -9` could take back, while a burst of steps still costs one commit. The core's
/// questions are answered as events once the step that asked is done (the core never waits).
/// At start the room is told what the log holds, before the server listens. Indexing and
/// retention run when the loop is idle, a budget at a time, so they never stall it.
///
/// SQLite is called on the loop's thread: each call is bounded (an indexed page, a commit of
/// one burst, a budget of deletions), which the numbers in README measure.
extension Runtime {
    /// The room's next sequence number and its latest entries, for joins answered from memory.
    func restoreRoom() {
        restoreModeration()
        guard let roomLog else { return }
        // `#general` first, always (it may have no entry yet), then every other room the log has.
        for room in [RoomEntry.generalRoom] + roomLog.roomNames.filter({ $0 != RoomEntry.generalRoom }) {
            let keep = room == RoomEntry.generalRoom ? Self.restoredEntries : Limits.otherRoomMemoryEntries
            do {
                let latest = try roomLog.latest(room: room, limit: keep)
                let topic = try roomLog.latestTopic(room: room)
                dispatch(.restored(room: room, nextSeq: roomLog.nextSeq(room: room), latest: latest, topic: topic))
            } catch {
                // Opening checked the file; a read failing now is a disk going bad. The room starts
                // after the log's last number all the same, so no number is given twice.
                log("room log: \(error)")
                dispatch(.restored(room: room, nextSeq: roomLog.nextSeq(room: room), latest: []))
            }
        }
    }

    /// The log's own identity, kept in its file; without a log, a new one each start (the
    /// room's numbers start again from 1, so a resuming client must not take them for the old).
    /// Chance comes from the OS interface, as the uids' does, so a simulation stays seeded.
    var roomLogIdentity: String {
        roomLog?.identity ?? UID(randomBits: os.randomBits(), os.randomBits()).description
    }

    /// As many as the room keeps in memory.
    static var restoredEntries: Int { Limits.roomMemoryEntries }

    func commitRoomLog() {
        roomLogPending = false
        guard let roomLog else { return }
        for status in roomLog.commit(now: now) {
            switch status {
            case let .stopped(error):
                log("room log: not recording: \(error); the room goes on, retrying every \(roomLog.retryMillis / 1000) s")
                dispatch(.roomLogRecording(false, detail: "\(error)"))
            case let .resumed(missed):
                log("room log: recording again; \(missed) entries came while it could not and are not in it")
                dispatch(.roomLogRecording(true, detail: "\(missed) entries came while it could not and are not in it"))
            case let .refusedOutOfOrder(count):
                log("room log: \(count) entries refused: their numbers did not grow")
            }
        }
    }

    /// Answers the questions the last step asked. Without a log (an ephemeral server) there is
    /// nothing beyond what the room holds in memory, and the answer says so.
    func answerQueries() {
        while !pendingQueries.isEmpty {
            let query = pendingQueries.removeFirst()
            var answer = HistoryAnswer(id: query.id, entries: [], more: false)
            if let roomLog {
                do {
                    answer = try roomLog.answer(query)
                } catch {
                    log("room log: cannot answer a question: \(error)")
                }
            } else if let answerHistory {
                answer = answerHistory(query)
            }
            dispatch(.historyAnswered(answer))
        }
    }

    /// How often retention looks, at the latest, however busy the loop is.
    static let roomLogMaintenanceMillis: Int64 = 60_000
    /// How long the log must go without a commit before its backlog (a checkpoint, unindexed
    /// entries) is worked off, a budget a turn, between the loop's events.
    static let roomLogIdleMillis: Int64 = 1_000

    func roomLogDeadline() -> Int64? {
        guard let roomLog else { return nil }
        var deadline = roomLogMaintainedAt + Self.roomLogMaintenanceMillis
        // After a failure, only the minute's retry: a log that cannot be upkept never spins the loop.
        if roomLog.hasUpkeep, !roomLogUpkeepFailed {
            deadline = min(deadline, roomLog.lastCommitMillis + Self.roomLogIdleMillis)
        }
        return deadline
    }

    /// Catches up the search index and applies retention, one budget each, and checkpoints the
    /// WAL once the index has caught up.
    func maintainRoomLog() {
        guard let roomLog else { return }
        roomLogMaintainedAt = now
        if roomLogPending { commitRoomLog() }
        do {
            let unindexed = try roomLog.indexPending(budget: StoreOptions.pruneBudget)
            let wall = clock.wallMillis()
            _ = try roomLog.prune(keepEntries: roomLogKeep.keepEntries, keepDays: roomLogKeep.keepDays,
                                  now: wall, budget: StoreOptions.pruneBudget)
            if unindexed == 0 { try roomLog.checkpoint() }
            roomLogUpkeepFailed = false
        } catch {
            roomLogUpkeepFailed = true
            log("room log: upkeep failed: \(error)")
        }
    }
}
