import Foundation
import Glibc
import Testing

/// Rooms with the real binary over real sockets and a real SQLite file (issue #14): two pychat
/// clients talk in `#rust` while an original-like client (ours and the reference peer) chats in
/// `#general` and sees nothing of `#rust`, not one frame it would reject; a `kill -9` and a
/// restart keep `#rust`'s history and topic.
@Suite struct RoomsCommandLineTests {
    @Test(arguments: OriginalPeer.testable)
    func twoClientsTalkInARoomWhileAnOriginalClientSeesOnlyGeneral(peer: OriginalPeer) async throws {
        try peer.requireAvailable()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-rooms-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try await Server.start(["--data", data])
        defer { server.proc.kill() }
        let bob = try client("bob", port: server.port, color: "0000ff")
        defer { bob.kill() }
        try await server.waitForJoins(1)
        let carol = try client("carol", port: server.port, color: "cc00cc")
        defer { carol.kill() }
        try await server.waitForJoins(2)
        try await bob.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }
        try await carol.waitFor("carol's join") { $0.stdout.contains("* carol joined the chat") }
        bob.send("/join #rust\n")
        try await bob.waitFor("bob in #rust") { $0.stdout.contains("* You joined #rust (1 member); talking in it now.") }
        carol.send("/join #Rust\n")
        try await carol.waitFor("carol in #rust") { $0.stdout.contains("* You joined #rust (2 members); talking in it now.") }
        try await bob.waitFor("carol's join") { $0.stdout.contains("* [#rust] carol joined") }

        let alice = try Proc.peer(peer, "alice", ["client", "--host", "127.0.0.1", "--port", String(server.port), "-u", "alice",
                                                  "-c", "ff8800", "--wait-users", "3", "--send", "hello general",
                                                  "--expect-messages", "1", "--linger", "1", "--timeout", "30"])
        defer { alice.kill() }
        try await bob.waitFor("alice's chat in #general") { $0.stdout.contains("alice: hello general") }
        bob.send("hi rust\n/topic rustaceans\n/me waves\n")
        try await carol.waitFor("bob's chat in #rust") { $0.stdout.contains("bob: [#rust] hi rust") }
        try await carol.waitFor("the topic") { $0.stdout.contains("* [#rust] bob set the topic: rustaceans") }
        try await carol.waitFor("the action") { $0.stdout.contains("* [#rust] * bob waves") }
        carol.send("/rooms\n")
        try await carol.waitFor("the rooms") { $0.stdout.contains("* [#rust]   #rust 2 members: rustaceans") }
        // An answer is shown in the room the command was typed in.
        #expect(carol.stdout.contains("* [#rust] 2 rooms:\n* [#rust]   #general 3 members\n* [#rust]   #rust 2 members: rustaceans"),
                "\(carol.stdout)")
        // Back in #general, bob's chat reaches alice as the original's ChatMessage.
        bob.send("/join #general\nhello from bob\n")
        #expect(try await alice.exitCode(timeout: 40) == 0, "\(alice.stdout) \(alice.stderr)")

        let texts = originalTexts(alice)
        #expect(texts.contains("hello from bob"), "\(texts)")
        #expect(!texts.contains { $0.contains("rust") || $0.contains("waves") }, "alice saw #rust: \(texts)")
        // carol, in #rust, sees #general's chats too (untagged), and no command as chat.
        try await carol.waitFor("bob's chat in #general") { $0.stdout.contains("bob: hello from bob") }
        #expect(!carol.stdout.contains(": /"), "\(carol.stdout)")

        // kill -9 and a restart on the same log: #rust comes back with its history and topic.
        server.proc.signal(SIGKILL)
        _ = try await server.proc.exitCode()
        let second = try await Server.start(["--data", data])
        defer { second.proc.kill() }
        let dave = try client("dave", port: second.port, color: "00aa00")
        defer { dave.kill() }
        // Commands typed before the client has joined are refused, not queued: wait for the join.
        try await dave.waitFor("dave's join") { $0.stdout.contains("* dave joined the chat") }
        dave.send("/rooms\n/join #rust\n")
        try await dave.waitFor("the restored room") { $0.stdout.contains("* You joined #rust (1 member); talking in it now.") }
        try await dave.waitFor("the history of #rust") { p in p.stdoutLines.contains { $0.hasPrefix("bob: [#rust] [") && $0.hasSuffix("] hi rust") } }
        #expect(dave.stdout.contains("* [#rust] The topic: rustaceans"), "\(dave.stdout)")
        #expect(dave.stdout.contains("*   #rust 0 members: rustaceans"), "\(dave.stdout)")
        dave.send("/topic\n")
        try await dave.waitFor("the topic shown") { $0.stdout.contains("* [#rust] The topic of #rust: rustaceans") }
        dave.closeInput()
        #expect(try await dave.exitCode() == 0, "\(dave.stderr)")
    }
}
