@testable import ChatIO
import ChatState
import Foundation
import Glibc
import Testing

/// Every way the room log's file can be wrong, each a typed error with one line naming the
/// file; a disk that fills while the room runs; and a writer killed with SIGKILL.
@Suite struct RoomLogFailureTests {
    /// One line, naming the file.
    private func expectOneLine(_ e: RoomLogError?, _ path: String, _ words: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        guard let e else {
            Issue.record("no error", sourceLocation: sourceLocation)
            return
        }
        #expect(!e.description.contains("\n"), sourceLocation: sourceLocation)
        #expect(e.description.hasPrefix("room log \(path): ") && e.description.contains(words), "\(e)",
                sourceLocation: sourceLocation)
    }

    @Test func aSecondOpenerIsToldTheLogIsLocked() throws {
        let dir = TempFolder("roomlog")
        let path = dir.file("log.sqlite3")
        let first = try RoomLog(path: path)
        let e = roomLogError { _ = try RoomLog(path: path) }
        #expect(e?.reason == .locked)
        expectOneLine(e, path, "locked by another pychat")
        // The first one is unharmed.
        #expect(first.record([roomEntry(1)]) == [])
    }

    @Test func garbageAndForeignDatabasesAreRefusedUntouched() throws {
        let dir = TempFolder("roomlog")
        let garbage = dir.file("garbage.sqlite3")
        let bytes = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        _ = FileManager.default.createFile(atPath: garbage, contents: Data(bytes))
        let e = roomLogError { _ = try RoomLog(path: garbage) }
        if case .corrupt = e?.reason {} else { Issue.record("\(String(describing: e))") }
        expectOneLine(e, garbage, "not a pychat room log, or damaged")
        #expect(FileManager.default.contents(atPath: garbage) == Data(bytes))

        let foreign = dir.file("foreign.sqlite3")
        try SQLiteDatabase(path: foreign).execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        expectOneLine(roomLogError { _ = try RoomLog(path: foreign) }, foreign, "something else")
    }

    @Test func aLogFromANewerPychatIsRefusedUntouched() throws {
        let dir = TempFolder("roomlog")
        let path = dir.file("log.sqlite3")
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([roomEntry(1)]) == [])
            try log.db.execute("PRAGMA user_version = 99")
        }
        let e = roomLogError { _ = try RoomLog(path: path) }
        #expect(e?.reason == .newerVersion(found: 99, known: RoomLogSchema.version))
        expectOneLine(e, path, "newer pychat (schema version 99")
        #expect(try SQLiteDatabase(path: path).integer("PRAGMA user_version") == 99)
    }

    @Test func aReadOnlyLogIsRefused() throws {
        // Root writes through any permission bits, so as root the file system itself is made
        // read-only (a tmpfs remounted ro); otherwise the file and its folder are chmod-ed.
        let disk = getuid() == 0 ? SmallDisk(kilobytes: 1024) : nil
        let folder = disk?.path ?? TempFolder("roomlog-ro").path
        let path = folder + "/log.sqlite3"
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([roomEntry(1)]) == [])
        }
        if let disk {
            #expect(disk.remountReadOnly())
        } else {
            chmod(path, 0o444)
            chmod(folder, 0o555)
        }
        defer { chmod(folder, 0o755) }
        let e = roomLogError { _ = try RoomLog(path: path) }
        #expect(e?.reason == .readOnly)
        expectOneLine(e, path, "read-only")
        // A folder that cannot be made is read-only too.
        let deeper = folder + "/new/log.sqlite3"
        #expect(roomLogError { _ = try RoomLog(path: deeper) }?.reason == .readOnly)
    }

    @Test(.enabled(if: getuid() == 0, "needs a tmpfs mount")) func aFullDiskAtStartIsOneLine() throws {
        let disk = try #require(SmallDisk(kilobytes: 256))
        _ = disk.fill()
        let path = disk.path + "/log.sqlite3"
        let e = roomLogError { _ = try RoomLog(path: path) }
        #expect(e?.reason == .full)
        expectOneLine(e, path, "the disk is full")
    }

    /// A real tmpfs that fills (as root), else SQLite's `max_page_count` playing the full disk.
    @Test func aDiskThatFillsStopsTheRecordingNotTheRoom() throws {
        let disk = SmallDisk(kilobytes: 1024)
        let fallback = disk == nil ? TempFolder("roomlog-full") : nil
        let path = (disk?.path ?? fallback!.path) + "/log.sqlite3"
        let log = try RoomLog(path: path)
        log.retryMillis = 1_000
        #expect(log.record((1...10).map { roomEntry($0) }) == [])

        var filler: String?
        if let disk {
            filler = disk.fill()
        } else {
            try log.db.execute("PRAGMA max_page_count = \(try log.db.integer("PRAGMA page_count")! + 2)")
        }
        // Big chats until a commit no longer fits: the first failure is said, once.
        let big = String(repeating: "full disk ", count: 800)
        var seq: Int64 = 11
        var statuses: [RoomLogStatus] = []
        while statuses.isEmpty && seq < 5_000 {
            statuses = log.record((0..<20).map { i in roomEntry(seq + i, big) }, now: 100)
            seq += 20
        }
        let lostFrom = seq - 20
        #expect(statuses.count == 1)
        guard case .stopped(let e)? = statuses.first else {
            Issue.record("no stop: \(statuses)")
            return
        }
        #expect(e.reason == .full)
        expectOneLine(e, path, "the disk is full")
        #expect(!log.isRecording)

        // The room goes on: appends are taken and dropped without a word until the retry time.
        #expect(log.record([roomEntry(seq)], now: 600) == [])
        #expect(log.nextSeq(room: "general") == seq + 1)
        if let filler { unlink(filler) } else { try log.db.execute("PRAGMA max_page_count = 1000000") }
        #expect(log.record([roomEntry(seq + 1)], now: 900) == [], "before the retry time")
        #expect(log.record([roomEntry(seq + 2, "back again")], now: 1_100) == [.resumed(missed: 22)])
        #expect(log.isRecording)
        let kept = try log.latest(room: "general", limit: 1_000).map(\.seq)
        #expect(kept.last == seq + 2)
        #expect(!kept.contains(lostFrom) && kept.contains(1) && kept.contains(10))
        #expect(try log.searchSeqs(["back"]) == [seq + 2])
        try log.db.execute("INSERT INTO search(search) VALUES ('integrity-check')")
    }

    /// The durability rule: whatever the writer was told is committed is in the log after a
    /// SIGKILL at an arbitrary moment, and every commit is there whole or not at all. Three
    /// rounds on one file, so recovery after a kill is itself recovered from.
    @Test func committedEntriesSurviveKill9() async throws {
        let dir = TempFolder("roomlog-kill")
        let path = dir.file("log.sqlite3")
        let writer = URL(fileURLWithPath: Binary.pychat).deletingLastPathComponent().appendingPathComponent("RoomLogWriter").path
        var stored: Int64 = 0
        for batch in [1, 7, 50] {
            let target = stored + Int64(100 * batch)
            let p = try Proc("writer", writer, [path, String(batch)])
            try await p.waitFor("\(target) committed") { p in Self.committed(p.stdout) >= target }
            p.kill()
            _ = try await p.exitCode()
            let told = Self.committed(p.stdout)

            let log = try RoomLog(path: path)
            var seqs: [Int64] = []
            var answer = try log.page(.after(seq: 0), limit: 1_000)
            while true {
                for e in answer.entries {
                    #expect(e.kind == .join ? e.text.isEmpty : e.text == "entry \(e.seq) durable")
                }
                seqs += answer.entries.map(\.seq)
                guard answer.more, let last = seqs.last else { break }
                answer = try log.page(.after(seq: last), limit: 1_000)
            }
            let newest = seqs.last ?? 0
            #expect(seqs == Array(1...newest), "no gap, nothing doubled")
            // Told, or one commit further (done, killed before it could say so); never half a batch.
            #expect(newest == told || newest == told + Int64(batch), "told \(told), found \(newest)")
            #expect((newest - stored) % Int64(batch) == 0)
            // The index trails the rows and catches up from where its last commit left it.
            #expect(try log.indexPending(budget: 1_000_000) == 0)
            #expect(try log.indexed("durable") == Int64(seqs.filter { $0 % 3 != 0 }.count))
            #expect(log.nextSeq(room: "general") == newest + 1)
            stored = newest
        }
    }

    /// The highest "committed N" among complete lines.
    private static func committed(_ out: String) -> Int64 {
        let complete = out.hasSuffix("\n") ? out[...] : out[..<(out.lastIndex(of: "\n") ?? out.startIndex)]
        guard let line = complete.split(separator: "\n").last, line.hasPrefix("committed ") else { return 0 }
        return Int64(line.dropFirst("committed ".count)) ?? 0
    }

    @Test func aServerThatCannotOpenItsLogSaysWhyInOneLineAndNeverListens() async throws {
        let dir = TempFolder("roomlog-cli")
        let first = try await Server.start(["--data", dir.path])
        #expect(FileManager.default.fileExists(atPath: dir.file("127.0.0.1_0.sqlite3")))
        let second = try Proc.pychat("second", ["--serve", "--headless", "-H", "127.0.0.1", "-P", "0", "--data", dir.path])
        #expect(try await second.exitCode() == 1)
        #expect(second.stderr == "pychat: room log \(dir.file("127.0.0.1_0.sqlite3")): locked by another pychat"
                + " (one server per room log: stop the other one, or give this one --data DIR)\n")
        first.proc.signal(SIGTERM)
        #expect(try await first.proc.exitCode() == 0)

        _ = FileManager.default.createFile(atPath: dir.file("127.0.0.1_0.sqlite3"), contents: Data(repeating: 0x41, count: 4096))
        let damaged = try Proc.pychat("damaged", ["--serve", "--headless", "-H", "127.0.0.1", "-P", "0", "--data", dir.path])
        #expect(try await damaged.exitCode() == 1)
        #expect(damaged.stderr.split(separator: "\n").count == 1 && damaged.stderr.contains("not a pychat room log"))
        #expect(!damaged.stderr.contains("listening"))
    }

    @Test func helpNamesTheStoreFlags() async throws {
        let help = try Proc.pychat("help", ["--help"])
        #expect(try await help.exitCode() == 0)
        for flag in ["--data DIR", "--ephemeral", "--history-keep N|Nd", "open the room log"] {
            #expect(help.stdout.contains(flag), "\(flag)")
        }
    }

    @Test(arguments: [
        (["--data", "d"], "--data is only for --serve"),
        (["--ephemeral"], "--ephemeral is only for --serve"),
        (["-s", "--headless", "--history-keep", "soon"], "neither a number of entries"),
        (["-s", "--headless", "--history-keep", "0"], "out of range"),
        (["-s", "--headless", "--history-keep", "0d"], "out of range"),
        (["-s", "--headless", "--ephemeral", "--data", "d"], "--ephemeral keeps nothing"),
        (["-s", "--headless", "--ephemeral=yes"], "takes no value"),
        (["-s", "--headless", "--data="], "must not be empty"),
    ])
    func storeFlagsAreCheckedBeforeAnythingOpens(args: [String], message: String) async throws {
        let p = try Proc.pychat("pychat", args)
        #expect(try await p.exitCode() == 2)
        #expect(p.stderr.split(separator: "\n").count == 1 && p.stderr.contains(message), "\(p.stderr)")
    }
}
