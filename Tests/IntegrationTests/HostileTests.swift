import Foundation
import Testing

@Suite struct HostileTests {
    static let join = frame(#"{"username": "raw", "color": "000000", "type": "JoinRequest"}"#)

    /// An announced 4 GiB frame, garbage and bad JSON are all closed with a logged reason, while
    /// two good clients chat and lose nothing. (A peer that never speaks is closed at the join
    /// deadline: `RuntimeClockTests`, on the injected clock, so that no test waits 10 s for it.)
    @Test func hostilePeersAreClosedWhileOthersChat() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let alice = try client("alice", port: server.port)
        let bob = try client("bob", port: server.port)
        defer { alice.kill(); bob.kill() }
        try await server.waitForJoins(2)

        let huge = try RawSocket(port: server.port)
        huge.send([0xFF, 0xFF, 0xFF, 0xFF, 0x01] + Array(repeating: 0x41, count: 1000))
        let http = try RawSocket(port: server.port)
        http.send(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        let badJSON = try RawSocket(port: server.port)
        badJSON.send((0..<6).flatMap { _ in frame("{not json") })
        let joinedThenJunk = try RawSocket(port: server.port)
        joinedThenJunk.send(Self.join)
        try await server.waitForJoins(3)
        joinedThenJunk.send([0x00, 0x00, 0x00, 0x02, 0x01, 0x7B] + [0xFF, 0xFF, 0xFF, 0xF0])

        for i in 0..<50 {
            alice.send("a\(i)\n")
            bob.send("b\(i)\n")
        }
        try await bob.waitFor("alice's 50") { received($0, excluding: "bob").count >= 50 }
        try await alice.waitFor("bob's 50") { received($0, excluding: "alice").count >= 50 }
        #expect(received(bob, excluding: "bob") == (0..<50).map { "alice: a\($0)" })
        #expect(received(alice, excluding: "alice") == (0..<50).map { "bob: b\($0)" })

        #expect(try await huge.waitForClose(timeout: 5))
        #expect(try await http.waitForClose(timeout: 5))
        #expect(try await badJSON.waitForClose(timeout: 5))
        #expect(try await joinedThenJunk.waitForClose(timeout: 5))
        #expect(server.proc.stderr.contains("frame of 4294967295 bytes announced, over the limit of 65536"))
        #expect(server.proc.stderr.contains("5 protocol errors"))
        #expect(server.proc.stderr.contains("leave #") && server.proc.stderr.contains("\"raw\""))

        alice.closeInput()
        bob.closeInput()
        #expect(try await alice.exitCode() == 0)
        #expect(try await bob.exitCode() == 0)
    }

    /// Past --max-connections the core refuses a connection; the runtime closes it.
    @Test func connectionsBeyondTheMaximumAreRefused() async throws {
        let server = try await Server.start(["--max-connections", "2"])
        defer { server.proc.kill() }
        let first = try RawSocket(port: server.port)
        let second = try RawSocket(port: server.port)
        first.send(Self.join)
        second.send(Self.join)
        try await server.waitForJoins(2)
        let third = try RawSocket(port: server.port)
        // Bounded, not timed: a full parallel suite on two cores can take seconds to get here.
        #expect(try await third.waitForClose(timeout: 30))
        // The log line may reach us after the close does: the log is written when its pipe is.
        try await server.proc.waitFor("the refusal logged") { $0.stderr.contains("the server is full (2 connections)") }
        _ = (first, second)
    }
}
