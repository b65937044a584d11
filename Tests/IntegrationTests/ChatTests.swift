import ChatState
import Foundation
import Testing

@Suite struct ChatTests {
    /// Five headless clients on a headless server: every message reaches every other client
    /// exactly once, under its sender's name, in the one order the server relayed them.
    @Test func fiveClientsAgreeOnEverything() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let names = (1...5).map { "user\($0)" }
        let clients = try names.map { try client($0, port: server.port) }
        defer { clients.forEach { $0.kill() } }
        try await server.waitForJoins(5)

        let perClient = 20
        for j in 0..<perClient {
            for (i, c) in clients.enumerated() { c.send("m\(i + 1)-\(j) from \(names[i])\n") }
        }
        let expected = 4 * perClient
        for (i, c) in clients.enumerated() {
            try await c.waitFor("\(expected) messages") { received($0, excluding: names[i]).count >= expected }
        }
        for c in clients { c.closeInput() }
        for c in clients { #expect(try await c.exitCode() == 0, "\(c.name): \(c.stderr)") }

        var sequences: [[String]] = []
        for (i, c) in clients.enumerated() {
            let got = received(c, excluding: names[i])
            #expect(got.count == expected, "\(names[i]) got \(got.count)")
            #expect(Set(got).count == got.count, "\(names[i]) got a duplicate")
            // Each other client's messages, all of them, under the right name, in send order.
            for (k, other) in names.enumerated() where k != i {
                let fromOther = got.filter { $0.hasPrefix("\(other): ") }
                #expect(fromOther == (0..<perClient).map { "\(other): m\(k + 1)-\($0) from \(other)" })
            }
            // Its own lines were shown once each, never echoed back.
            #expect(c.stdoutLines.filter { $0.hasPrefix("\(names[i]): ") }.count == perClient)
            sequences.append(got)
        }
        // The server's order: any two clients see the messages they both received in the same order.
        for a in 0..<5 {
            for b in (a + 1)..<5 {
                let shared = Set(sequences[a]).intersection(sequences[b])
                #expect(sequences[a].filter(shared.contains) == sequences[b].filter(shared.contains),
                        "\(names[a]) and \(names[b]) disagree on the order")
            }
        }
    }

    /// A recorded live session replays through the core with every effect as recorded; a
    /// truncated copy replays up to the damage and says where it stopped.
    @Test func recordThenReplay() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("server.log").path

        let server = try await Server.start(["--record", log])
        defer { server.proc.kill() }
        let alice = try client("alice", port: server.port, color: "ff8800")
        let bob = try client("bob", port: server.port)
        defer { alice.kill(); bob.kill() }
        try await server.waitForJoins(2)
        alice.send("hello bob\n")
        try await bob.waitFor("alice's message") { $0.stdout.contains("alice: hello bob") }
        bob.send("hi alice\n")
        try await alice.waitFor("bob's message") { $0.stdout.contains("bob: hi alice") }
        alice.closeInput()
        bob.closeInput()
        #expect(try await alice.exitCode() == 0)
        #expect(try await bob.exitCode() == 0)
        try await server.waitForJoins(2)
        try await server.proc.waitFor("both leaves") { $0.stderr.components(separatedBy: "leave #").count == 3 }
        server.proc.signal(SIGTERM)
        #expect(try await server.proc.exitCode() == 0)

        let replay = try Proc.pychat("replay", ["replay", log, "--verify"])
        #expect(try await replay.exitCode() == 0, "\(replay.stderr)")
        let transcript = replay.stdoutLines
        // Step 1 tells the core the time, step 2 the room log's identity; step 3 is the listening socket.
        #expect(transcript.first?.hasPrefix("[3] * Server started on 127.0.0.1:\(server.port)") == true)
        #expect(transcript.contains { $0.hasSuffix("] alice: hello bob") })
        #expect(transcript.contains { $0.hasSuffix("] bob: hi alice") })
        #expect(transcript.contains { $0.hasSuffix("] * alice left the chat") })
        #expect(replay.stderr.contains("every effect as recorded"))

        // Cut the log in the middle of a line, past the header.
        let data = try Data(contentsOf: URL(fileURLWithPath: log))
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.count > 6)
        let keep = lines.prefix(5).reduce(0) { $0 + $1.count + 1 } + lines[5].count / 2
        let cut = dir.appendingPathComponent("cut.log").path
        try data.prefix(keep).write(to: URL(fileURLWithPath: cut))

        let damaged = try Proc.pychat("replay-cut", ["replay", cut, "--verify"])
        #expect(try await damaged.exitCode() == 1)
        #expect(damaged.stderr.contains("damaged at line 6"), "\(damaged.stderr)")
        #expect(damaged.stderr.contains("replayed 4 steps"), "\(damaged.stderr)")
        #expect(damaged.stdoutLines.first == transcript.first)

        // Without --verify the transcript up to the damage is printed, and the exit code still
        // says the log is damaged.
        let lenient = try Proc.pychat("replay-cut-lenient", ["replay", cut])
        #expect(try await lenient.exitCode() == 1)
        #expect(lenient.stderr.contains("damaged at line 6"))
        #expect(lenient.stdoutLines.first == transcript.first)

        // A step past the end has no screen to show.
        let pastEnd = try Proc.pychat("replay-past-end", ["replay", log, "--screen", "--at", "100000"])
        #expect(try await pastEnd.exitCode() == 1)
        #expect(pastEnd.stderr.contains("has no step 100000; it ends after step"), "\(pastEnd.stderr)")
    }

    /// SIGTERM ends a server cleanly: its clients see the close and, with `--no-reconnect`,
    /// exit with "server gone" (`ReconnectTests` has the clients that come back).
    @Test func serverShutdownClosesClients() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let alice = try client("alice", port: server.port, ["--no-reconnect"])
        defer { alice.kill() }
        try await server.waitForJoins(1)
        server.proc.signal(SIGTERM)
        #expect(try await server.proc.exitCode() == 0)
        #expect(try await alice.exitCode() == 3)
        #expect(alice.stderr.contains("Disconnected from server"))
    }

    /// IPv6 listening and dialling, where the host has IPv6 loopback.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/net/if_inet6")))
    func ipv6Loopback() async throws {
        let server = try await Server.start(host: "::1")
        defer { server.proc.kill() }
        let alice = try client("alice", port: server.port, host: "::1")
        defer { alice.kill() }
        try await server.waitForJoins(1)
        #expect(server.proc.stderr.contains("from [::1]:"))
        alice.closeInput()
        #expect(try await alice.exitCode() == 0)
    }
}
