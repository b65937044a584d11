import Foundation
import Glibc
import Testing

/// The room log's identity through the real binary: an `--ephemeral` server restarted numbers
/// its entries from 1 again; a client that comes back after the new log has passed the number
/// it last saw is still shown the new log's entries from its start, not from that number on.
@Suite struct LogIdentityRestartTests {
    @Test func aClientBackOnARestartedEphemeralServerMissesNothingOfItsNewLog() async throws {
        let room = try await RestartableServer("ephemeral", ["--ephemeral"])
        let alice = try client("alice", port: room.port, ClientReconnectTests.fast)
        defer { alice.kill() }
        try await alice.waitFor("alice's join") { $0.stdout.contains("* alice joined the chat") }
        let bob = try client("bob", port: room.port, ["--no-reconnect"])
        defer { bob.kill() }
        // alice in first: bob's lines reach her live (a joiner would get them as history, stamped).
        try await alice.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }
        bob.send("old 1\nold 2\nold 3\n")
        // Live, or in the history of her join when bob's lines were relayed before it.
        try await alice.waitFor("bob's old lines") { $0.stdout.contains("bob: old 3") || $0.stdout.contains("] old 3") }
        bob.closeInput()
        _ = try await bob.exitCode()

        // alice is stopped while the server restarts and the new room says more than she saw in
        // the old one: she notices the restart only once carol is done, whatever the load.
        alice.signal(SIGSTOP)
        try await room.kill9()
        try await room.start()
        let fresh = (1...10).map { "new \($0)" }
        let carol = try client("carol", port: room.port, ["--no-reconnect"])
        defer { carol.kill() }
        carol.send(fresh.map { $0 + "\n" }.joined())
        carol.closeInput()
        #expect(try await carol.exitCode() == 0)
        alice.signal(SIGCONT)

        try await alice.waitFor("carol's lines", timeout: 30) { $0.stdout.contains("carol: [") && $0.stdout.contains("] new 10") }
        #expect(alice.stdout.contains("* ── the server's room log started again: its latest entries follow ──"), "\(alice.stdoutLines)")
        #expect(ClientReconnectTests.chats(from: "carol", in: alice.stdoutLines) == fresh, "\(alice.stdoutLines)")
        alice.closeInput()
        _ = try await alice.exitCode()
    }
}
