@testable import ChatIO
import ChatState
import Foundation
import Glibc
import Testing

/// A fresh folder for one test's databases, removed with everything in it afterwards.
final class TempFolder {
    let path: String

    init(_ name: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-\(name)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A tmpfs of a few hundred KiB mounted on a fresh folder: a real disk that fills, and a real
/// read-only file system. Nil where mounting is not allowed (not root, no CAP_SYS_ADMIN).
final class SmallDisk {
    let folder: TempFolder
    var path: String { folder.path }

    init?(kilobytes: Int) {
        folder = TempFolder("tmpfs")
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path]) else { return nil }
    }

    func remountReadOnly() -> Bool { Self.run("/bin/mount", ["-o", "remount,ro", folder.path]) }

    deinit { _ = Self.run("/bin/umount", ["-l", folder.path]) }

    /// Fills the disk with a file until a write fails; returns its path.
    func fill() -> String {
        let filler = folder.file("filler")
        // O_CLOEXEC: a process another test spawns meanwhile (a tmux server lives on) must not
        // inherit it, or it holds the filler's blocks after the unlink and the disk stays full.
        let fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        let chunk = [UInt8](repeating: 0x55, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == chunk.count {}
        close(fd)
        return filler
    }

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}

/// Entries for the log tests: a chat unless told otherwise, stamped with its seq as milliseconds.
func roomEntry(_ seq: Int64, _ text: String = "", kind: RoomEntry.Kind = .chat, author: String = "alice",
               room: String = RoomEntry.generalRoom, wallMillis: Int64? = nil) -> RoomEntry {
    RoomEntry(room: room, seq: seq, wallMillis: wallMillis ?? seq, kind: kind, author: author,
              authorUID: UID(high: 0x0123_4567_89AB_4DEF, low: 0x8123_4567_89AB_CDEF ^ UInt64(seq)),
              color: RGB(r: 0x12, g: 0x34, b: UInt8(truncatingIfNeeded: seq)),
              text: kind == .chat ? (text.isEmpty ? "message \(seq)" : text) : "",
              clientID: seq % 2 == 0 ? "c\(seq)" : nil)
}

extension RoomLog {
    /// Appends and commits, expecting the commit to have nothing to say.
    func record(_ entries: [RoomEntry], now: Int64 = 0) -> [RoomLogStatus] {
        append(entries)
        return commit(now: now)
    }

    func page(_ range: HistoryQuery.Range, limit: Int, room: String = RoomEntry.generalRoom) throws -> HistoryAnswer {
        try answer(HistoryQuery(id: 7, room: room, range: range, limit: limit))
    }

    func searchSeqs(_ words: [String], limit: Int = 100) throws -> [Int64] {
        try page(.search(words: words), limit: limit).entries.map(\.seq)
    }

    /// Rows in the search index that a word matches, counted by SQLite itself.
    func indexed(_ word: String) throws -> Int64 {
        try db.integer("SELECT count(*) FROM search WHERE search MATCH '\"\(word)\"'") ?? -1
    }
}

/// The room log error a call threw, or nil (any other error is a test failure).
func roomLogError(_ body: () throws -> Void) -> RoomLogError? {
    do {
        try body()
        return nil
    } catch let e as RoomLogError {
        return e
    } catch {
        Issue.record("not a RoomLogError: \(error)")
        return nil
    }
}
