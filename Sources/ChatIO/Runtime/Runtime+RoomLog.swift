import ChatState

/// The room log's side of the loop. When it commits and upkeeps is `RoomLogKeeper`'s to say;
/// here its answers become log lines and events. The core's questions are answered as events
/// once the step that asked is done (the core never waits). At start the room is told what the
/// log holds, before the server listens.
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

    /// Commits what the core appended since the last commit, and reports what became of the recording.
    func commitRoomLog() {
        guard var keeper = roomLogKeeper else { return }
        let statuses = keeper.commit(now: now)
        roomLogKeeper = keeper
        for status in statuses {
            switch status {
            case let .stopped(error):
                log("room log: not recording: \(error); the room goes on, retrying every \(keeper.log.retryMillis / 1000) s")
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

    /// Catches up the search index and applies retention, one budget each (see `RoomLogKeeper`).
    func maintainRoomLog() {
        guard roomLogKeeper != nil else { return }
        commitRoomLog()
        if let error = roomLogKeeper!.maintain(now: now, wallMillis: { clock.wallMillis() }, keep: roomLogKeep) {
            log("room log: upkeep failed: \(error)")
        }
    }
}
