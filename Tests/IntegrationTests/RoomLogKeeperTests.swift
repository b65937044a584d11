@testable import ChatIO
import ChatState
import Glibc
import Testing

/// The room log's schedule alone, over a real SQLite file and time given as numbers: entries
/// wait for one commit, the upkeep is due a second after the last commit while work waits and
/// each minute otherwise, and after a failed upkeep only the minute's retry is due.
@Suite struct RoomLogKeeperTests {
    @Test func entriesWaitForOneCommitAndTheUpkeepForTheLogToGoIdle() throws {
        let dir = TempFolder("keeper")
        var keeper = RoomLogKeeper(log: try RoomLog(path: dir.file("log.sqlite3")))
        // Nothing appended: nothing to commit.
        #expect(keeper.commit(now: 500) == [])
        #expect(keeper.log.lastCommitMillis == 0)
        // A new file waits for its first checkpoint; once done, only the minute's look is due.
        #expect(keeper.deadline == RoomLogKeeper.idleMillis)
        #expect(keeper.maintain(now: 1_000, wallMillis: { 1_000 }, keep: StoreOptions()) == nil)
        #expect(keeper.pendingUpkeepDeadline == nil)
        #expect(keeper.deadline == 1_000 + RoomLogKeeper.maintenanceMillis)

        keeper.append([roomEntry(1), roomEntry(2)])
        keeper.append([])
        #expect(keeper.hasUncommitted && keeper.log.uncommittedCount == 2)
        #expect(keeper.commit(now: 5_000) == [])
        #expect(!keeper.hasUncommitted && keeper.log.uncommittedCount == 0)
        #expect(try keeper.log.latest(room: RoomEntry.generalRoom, limit: 10).map(\.seq) == [1, 2])
        // Two entries to index: due once the log has been a second without a commit.
        #expect(keeper.pendingUpkeepDeadline == 5_000 + RoomLogKeeper.idleMillis)
        #expect(keeper.deadline == 5_000 + RoomLogKeeper.idleMillis)

        #expect(keeper.maintain(now: 6_000, wallMillis: { 6_000 }, keep: StoreOptions()) == nil)
        // Indexed and checkpointed: no work waits, the next look is a minute on.
        #expect(try keeper.log.page(.search(words: ["message"]), limit: 10, room: RoomEntry.generalRoom).entries.count == 2)
        #expect(keeper.pendingUpkeepDeadline == nil)
        #expect(keeper.deadline == 6_000 + RoomLogKeeper.maintenanceMillis)
    }

    @Test func aFailedUpkeepWaitsForTheMinutesRetry() throws {
        let dir = TempFolder("keeper-fails")
        var keeper = RoomLogKeeper(log: try RoomLog(path: dir.file("log.sqlite3")))
        keeper.append([roomEntry(1)])
        _ = keeper.commit(now: 1_000)
        // The search index is gone from under the log: indexing fails.
        try keeper.log.db.execute("DROP TABLE search")
        #expect(keeper.maintain(now: 2_000, wallMillis: { 2_000 }, keep: StoreOptions()) != nil)
        // Work still waits, but a log that cannot be upkept must not spin the loop: only the minute.
        #expect(keeper.log.hasUpkeep)
        #expect(keeper.pendingUpkeepDeadline == nil)
        #expect(keeper.deadline == 2_000 + RoomLogKeeper.maintenanceMillis)
    }
}

/// The runtime with the keeper: an entry that the turn sends to nobody (a leave, whose line
/// waits for the announcement timer) is committed by the end of that turn all the same, so a
/// kill between two turns takes nothing. The clock does not move: no timer fires meanwhile.
@Suite struct RoomLogTurnCommitTests {
    @Test func aLeaveSentToNobodyIsCommittedByTheEndOfItsTurn() async throws {
        let failure = try await onOwnThread { () throws -> String? in
            let dir = TempFolder("turn-commit")
            let log = try RoomLog(path: dir.file("log.sqlite3"))
            let server = try InProcessRuntime.server(roomLog: log)
            defer { _ = server.stop() }
            guard let alice = try server.join("alice"), let bob = try server.join("bob") else { return "the two did not join" }
            return withExtendedLifetime(alice) {
                let storedBefore = log.nextSeq(room: RoomEntry.generalRoom)
                shutdown(bob.socket.fd, Int32(SHUT_RDWR))
                guard server.turn(until: { server.runtime.app.room!.joined.count == 1 }) else { return "bob's leave was never read" }
                guard log.nextSeq(room: RoomEntry.generalRoom) > storedBefore else { return "bob's leave was not stored" }
                return log.uncommittedCount == 0 ? nil : "\(log.uncommittedCount) entries left uncommitted after the turn"
            }
        }
        #expect(failure == nil)
    }
}
