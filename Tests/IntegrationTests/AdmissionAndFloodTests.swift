import Foundation
import Testing

/// Per-address limits and flood control, with the real binary and real sockets. Other hosts
/// are played by other 127.0.0.0/8 addresses (127.0.0.1 itself is exempt).
@Suite struct AdmissionAndFloodTests {
    static let join = frame(#"{"username": "legit", "color": "000000", "type": "JoinRequest"}"#)

    /// Issue #11, finding 5: one address holding sockets that never join used to fill every
    /// slot. Now it fills its own quota (8 not joined), a joiner from another address still
    /// gets in, and the hostile address's next connection is told why before the close.
    @Test func aHostileAddressHoldsItsQuotaAndAnotherStillJoins() async throws {
        let server = try await Server.start(["--max-connections", "12"])
        defer { server.proc.kill() }
        var hostile: [RawSocket] = []
        for _ in 0..<8 { hostile.append(try RawSocket(port: server.port, source: "127.0.0.2")) }
        try await server.proc.waitFor("8 hostile connections") { _ in server.count("from 127.0.0.2:") >= 8 }

        let extra = try RawSocket(port: server.port, source: "127.0.0.2")
        let told = try #require(try await extra.readUntilClose(timeout: 10))
        let why = "too many connections from your address that have not joined (at most 8)"
        #expect(told == frame(#"{"text": "Connection refused: \#(why)", "type": "SystemMessage"}"#))
        #expect(server.proc.stderr.contains("from 127.0.0.2:") && server.proc.stderr.contains(": \(why)"))

        // Without the per-address rule the hostile address could take all 12; it holds 8.
        let legit = try RawSocket(port: server.port, source: "127.0.0.3")
        legit.send(Self.join)
        try await server.waitForJoins(1)
        #expect(server.proc.stderr.contains("as \"legit\""))
        // And a pychat client (from 127.0.0.1) gets in beside it.
        let alice = try client("alice", port: server.port)
        defer { alice.kill() }
        try await server.waitForJoins(2)
        withExtendedLifetime(hostile) {}
    }

    /// A headless client pastes 30 lines into a server with a chat rate: every line reaches
    /// the other member, in order; the server held some (it paused reading the paster) and its
    /// recorded log, time events included, replays exactly.
    @Test func aPasteArrivesWholeAndInOrderAtTheChatRate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-flood-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("server.log").path
        let server = try await Server.start(["--rate", "100", "--burst", "5", "--record", log])
        defer { server.proc.kill() }
        let bob = try client("bob", port: server.port)
        let alice = try client("alice", port: server.port)
        defer { alice.kill(); bob.kill() }
        try await server.waitForJoins(2)

        let lines = (0..<30).map { "paste line \($0)" }
        alice.send(lines.map { $0 + "\n" }.joined())
        alice.closeInput()
        try await bob.waitFor("the whole paste") { received($0, excluding: "bob").count >= 30 }
        #expect(received(bob, excluding: "bob") == lines.map { "alice: \($0)" })
        #expect(try await alice.exitCode() == 0)

        let recorded = try String(contentsOfFile: log, encoding: .utf8)
        #expect(recorded.contains(#""pauseReading""#))
        #expect(recorded.contains(#""floodRelease""#))
        #expect(recorded.contains(#""resumeReading""#))
        let replay = try Proc.pychat("replay", ["replay", log, "--verify"])
        #expect(try await replay.exitCode() == 0, "\(replay.stderr)")
    }
}
