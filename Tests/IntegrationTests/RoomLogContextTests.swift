import Foundation
import Testing

/// A search result in context through the real binary, a real SQLite file and real sockets:
/// `/search` on a client, then `/context N`, answered from the log on disk (the result is older
/// than the 1 000 entries the room keeps in memory).
@Suite struct RoomLogContextTests {
    @Test func aSearchResultIsShownWithThePagesAroundItFromTheLogOnDisk() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-ctx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try await Server.start(["--data", data])
        defer { server.proc.kill() }

        // bob's 1 200 lines, one of them the needle, and all of them acknowledged (in the log)
        // before his session ends.
        let bob = try client("bob", port: server.port, ["--no-reconnect"])
        defer { bob.kill() }
        let lines = 1_200, needle = 50
        bob.send((1...lines).map { $0 == needle ? "the needle \($0)\n" : "hay \($0)\n" }.joined())
        bob.closeInput()
        #expect(try await bob.exitCode(timeout: 60) == 0)

        let carol = try client("carol", port: server.port)
        defer { carol.kill() }
        try await carol.waitFor("its join") { $0.stdout.contains("* carol joined the chat") }
        carol.send("/search needle\n")
        try await carol.waitFor("the result") { $0.stdout.contains("* Search for \"needle\": 1 result") }
        #expect(carol.stdoutLines.contains { $0.hasPrefix("bob: [") && $0.hasSuffix("] [1] the needle \(needle)") },
                "\(carol.stdoutLines.suffix(3))")
        carol.send("/context 1\n")
        try await carol.waitFor("the context's end") { $0.stdout.contains("* ── end of the context") }
        let all = carol.stdoutLines
        // Headless: no Esc to press, so none is spoken of.
        #expect(!all.contains { $0.contains("Esc") }, "\(all.filter { $0.contains("Esc") })")
        let start = try #require(all.firstIndex(of: "* ── search result 1 in context ──"))
        let context = all[(start + 1)...].prefix { !$0.hasPrefix("* ── end of the context") }
        // Without their times: "bob: [12:01] hay 3" is "bob: hay 3".
        let texts = context.map { $0.replacingOccurrences(of: #"\[\d\d:\d\d\] "#, with: "", options: .regularExpression) }
        // The log's first entry is bob's join; a page (100) after the needle.
        var expected = ["* bob joined the chat"]
        expected += (1..<needle).map { "bob: hay \($0)" }
        expected.append("bob: ▶ the needle \(needle)")
        expected += (needle + 1...needle + 100).map { "bob: hay \($0)" }
        #expect(texts == expected, "\(texts.prefix(3)) … \(texts.suffix(3))")
        carol.closeInput()
        _ = try await carol.exitCode()
    }
}
