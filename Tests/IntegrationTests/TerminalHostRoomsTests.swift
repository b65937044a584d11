import Foundation
import Testing

/// The host in rooms on the real binary's screen in tmux (issue #14): `pychat --serve`'s host
/// types `/join #rust`, a headless pychat client in `#rust` sees the host's chat there and the
/// host sees the client's in its `#rust` buffer; Alt-1 goes back to `#general`, whose unread
/// count the status line showed; an original-like client (ours and the reference peer) in
/// `#general` sees nothing of `#rust` and rejects nothing.
@Suite(.serialized) struct TerminalHostRoomsTests {
    @Test(arguments: OriginalPeer.testable)
    func theHostTalksInARoomAndSwitchesBackWithAlt1(peer: OriginalPeer) async throws {
        try peer.requireAvailable()
        let tmux = try Tmux()
        let server = try tmux.window("server", "\(Binary.pychat) -s -H 127.0.0.1 -P 0 -u host -c 00aa00")
        let port = try #require(tmux.listeningPort(in: try await tmux.waitFor(server, text: "Server started on 127.0.0.1:")))
        let bob = try client("bob", port: port, color: "0000ff")
        defer { bob.kill() }
        try await bob.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }

        try tmux.send(server, line: "/join #rust")
        _ = try await tmux.waitFor(server, text: "1 #general  [2 #rust]")
        bob.send("/join #rust\n")
        try await bob.waitFor("bob in #rust with the host") { $0.stdout.contains("* You joined #rust (2 members); talking in it now.") }
        _ = try await tmux.waitFor(server, text: "bob joined")

        let alice = try Proc.peer(peer, "alice", ["client", "--host", "127.0.0.1", "--port", String(port), "-u", "alice",
                                                  "-c", "ff8800", "--wait-users", "3", "--send", "hello general",
                                                  "--expect-messages", "1", "--linger", "1", "--timeout", "60"])
        defer { alice.kill() }
        try await bob.waitFor("alice's chat in #general") { $0.stdout.contains("alice: hello general") }

        try tmux.send(server, line: "hi from the host")
        try await bob.waitFor("the host's chat in #rust") { $0.stdout.contains("host: [#rust] hi from the host") }
        bob.send("hi host\n")
        var screen = try await tmux.waitFor(server, text: "bob:  hi host")
        #expect(screen[0].contains("host · serving 127.0.0.1:\(port) · #rust · 2 users"), "\(screen[0])")
        #expect(!screen.contains { $0.contains("hello general") }, "\(screen.joined(separator: "\n"))")
        // #general's lines came while #rust was shown: alice's join and her chat.
        _ = try await tmux.waitFor(server, text: "1 #general (2)  [2 #rust]")

        try tmux.keys(server, "M-1")
        screen = try await tmux.waitFor(server, text: "[1 #general]  2 #rust")
        #expect(screen.contains { $0.contains("alice:  hello general") } && !screen.contains { $0.contains("hi host") },
                "\(screen.joined(separator: "\n"))")
        bob.send("while you were in general\n")
        _ = try await tmux.waitFor(server, text: "[1 #general]  2 #rust (1)")
        // In #general the host's chat is the original's ChatMessage again: alice's one message.
        try tmux.send(server, line: "hello from the host")
        #expect(try await alice.exitCode(timeout: 60) == 0, "\(alice.stdout) \(alice.stderr)")

        let texts = originalTexts(alice)
        #expect(texts.contains("hello from the host"), "\(texts)")
        #expect(!texts.contains { $0.contains("rust") || $0.contains("hi host") || $0.contains("hi from the host") },
                "alice saw #rust: \(texts)")
        bob.closeInput()
    }
}
