import Foundation
import Glibc
import Testing

/// The room log through the real binary, a real SQLite file and real sockets: whatever a member
/// was sent survives a `kill -9` of the server mid-flood, comes back in a new client's history in
/// order, keeps its numbers growing, and can be searched.
@Suite struct RoomLogRestartTests {
    @Test func everythingAnyoneSawSurvivesAKill9AndIsInTheNextJoinersHistory() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }

        // A flood from bob, watched by alice; the server is killed as soon as she has seen it all,
        // so the last chats were sent within the moment before the kill.
        let first = try await Server.start(["--data", data])
        let alice = try client("alice", port: first.port)
        defer { alice.kill() }
        try await first.waitForJoins(1)
        let bob = try client("bob", port: first.port)
        defer { bob.kill() }
        try await first.waitForJoins(2)
        let count = 40
        bob.send((1...count).map { "flood line \($0) zebra\n" }.joined())
        try await alice.waitFor("the whole flood") { $0.stdout.contains("bob: flood line \(count) zebra") }
        first.proc.signal(SIGKILL)
        _ = try await first.proc.exitCode()
        let seen = alice.stdoutLines.filter { $0.hasPrefix("bob: flood line") }
        #expect(seen.count == count)

        // The same log, a new server: a late joiner is shown every line alice saw, in order.
        let second = try await Server.start(["--data", data])
        defer { second.proc.kill() }
        let carol = try client("carol", port: second.port)
        defer { carol.kill() }
        try await carol.waitFor("its join") { $0.stdout.contains("* carol joined the chat") }
        let history = carol.stdoutLines.compactMap { line -> String? in
            // History lines carry their time: "bob: [12:01] flood line 3 zebra".
            guard line.hasPrefix("bob: ["), let close = line.firstIndex(of: "]") else { return nil }
            return "bob: " + line[line.index(close, offsetBy: 2)...]
        }.filter { $0.hasPrefix("bob: flood line") }
        #expect(history == seen, "\(carol.stdoutLines)")
        let marker = carol.stdoutLines.firstIndex(of: "* ── history above, live below ──")
        #expect(marker != nil)

        // Search finds a word of the flood, from the log on disk.
        carol.send("/search zebra\n")
        try await carol.waitFor("search results") { $0.stdout.contains("* Search for \"zebra\": ") }
        #expect(carol.stdout.contains("* Search for \"zebra\": \(count) results"), "\(carol.stdoutLines.suffix(5))")
        carol.closeInput()
        _ = try await carol.exitCode()
    }
}
