@testable import ChatIO
import ChatState
import Glibc
import Testing

/// WAL checkpoints happen when the loop is idle, never inside the commit before a relay.
@Suite struct RoomLogCheckpointTests {
    static func walBytes(_ path: String) -> Int {
        var st = stat()
        return stat(path + "-wal", &st) == 0 ? Int(st.st_size) : 0
    }

    /// SQLite would checkpoint inside the commit that takes the WAL past 1 000 pages (4 MiB),
    /// rewinding it; here 9 MB of commits all stay in the WAL until `checkpoint`, which copies
    /// them into the database and empties the WAL.
    @Test func commitsNeverCheckpointAndACheckpointEmptiesTheWAL() throws {
        let dir = TempFolder("checkpoint")
        let path = dir.file("log.sqlite3")
        let text = String(repeating: "lorem ipsum dolor sit amet ", count: 110)   // ~3 KB
        do {
            let log = try RoomLog(path: path)
            #expect(try log.db.integer("PRAGMA wal_autocheckpoint") == 0)
            for batch in 0..<30 {
                #expect(log.record((1...100).map { roomEntry(Int64(batch * 100 + $0), text) }) == [])
            }
            #expect(Self.walBytes(path) > 8_000_000)
            #expect(log.uncheckpointedChanges >= 3_000)
            #expect(log.hasUpkeep)
            try log.checkpoint()
            #expect(Self.walBytes(path) == 0)
            #expect(log.uncheckpointedChanges == 0)
            #expect(try log.indexPending(budget: 10_000) == 0)
            try log.checkpoint()
            #expect(!log.hasUpkeep)
        }
        let again = try RoomLog(path: path)
        #expect(again.nextSeq(room: "general") == 3_001)
        #expect(try again.latest(room: "general", limit: 1).map(\.seq) == [3_000])
    }

    /// A writer that never checkpoints (a loop that is never idle, a tool) still has a bounded
    /// WAL: a commit checkpoints once `maxUncheckpointedChanges` rows wait.
    @Test func aWriterThatNeverCheckpointsKeepsABoundedWAL() throws {
        let dir = TempFolder("checkpoint")
        let path = dir.file("log.sqlite3")
        let log = try RoomLog(path: path)
        var seq: Int64 = 0
        var checkpointed = false
        for _ in 0..<60 {
            let before = log.uncheckpointedChanges
            #expect(log.record((0..<1_000).map { _ in seq += 1; return roomEntry(seq) }) == [])
            if log.uncheckpointedChanges < before { checkpointed = true }
            #expect(log.uncheckpointedChanges < RoomLog.maxUncheckpointedChanges)
        }
        #expect(checkpointed, "60 000 entries never checkpointed")
    }

    /// The server's turn that commits a join does not checkpoint (its loop had work), and the
    /// next turn with nothing to do does.
    @Test func anIdleTurnCheckpointsTheServersLog() async throws {
        let failure = try await onOwnThread { () throws -> String? in
            let dir = TempFolder("checkpoint")
            let path = dir.file("log.sqlite3")
            let log = try RoomLog(path: path)
            let server = try InProcessRuntime.server(roomLog: log)
            defer { _ = server.stop() }
            let runtime = server.runtime
            // Opening and restoring leave nothing to checkpoint once the first idle turn ran.
            _ = runtime.turn(maxWaitMillis: 0)
            guard log.uncheckpointedChanges == 0 else { return "a fresh log has changes to checkpoint" }
            let alice = try RawSocket(port: server.port)
            alice.send(FrameCodec.frame(.joinRequest(username: "alice", color: "000000")))
            guard server.turn(until: { runtime.app.room?.joined.count == 1 }) else { return "alice did not join" }
            guard log.uncheckpointedChanges > 0, Self.walBytes(path) > 0 else {
                return "the turn that committed the join checkpointed too"
            }
            guard server.turn(until: { log.uncheckpointedChanges == 0 }) else { return "no idle turn checkpointed" }
            return Self.walBytes(path) == 0 ? nil : "the WAL was not emptied"
        }
        #expect(failure == nil)
    }
}
