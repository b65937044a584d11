import Foundation
import Testing

/// Rooms on the real binary's screen in tmux: `/join #rust` shows #rust's buffer, Alt-1 and
/// Alt-2 (tmux's `M-1`, `M-2`: ESC and the digit) switch buffers, and a line said in the room
/// not shown is counted in the status line until the user switches to it.
@Suite(.serialized) struct TerminalRoomsTests {
    @Test func altDigitsSwitchRoomsAndTheStatusLineCountsWhatCameElsewhere() async throws {
        let tmux = try Tmux()
        let server = try await Server.start()
        defer { server.proc.kill() }
        let alice = try tmux.window("alice", "\(Binary.pychat) -H 127.0.0.1 -P \(server.port) -u alice")
        _ = try await tmux.waitFor(alice, text: "alice joined the chat")
        let bob = try client("bob", port: server.port)
        defer { bob.kill() }
        _ = try await tmux.waitFor(alice, text: "bob joined the chat")
        try await bob.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }
        try tmux.type(alice, "/join #rust")
        try tmux.keys(alice, "Enter")
        _ = try await tmux.waitFor(alice, text: "1 #general  [2 #rust]")
        // Lines typed after /join go to the room shown until the server's Join makes #rust current.
        bob.send("/join #rust\n")
        try await bob.waitFor("bob in #rust") { $0.stdout.contains("* You joined #rust") }
        bob.send("in rust\n")
        _ = try await tmux.waitFor(alice, text: "bob:  in rust")
        // The title names the room; #general's lines are not in #rust's buffer.
        var screen = try tmux.screen(alice)
        #expect(screen[0].contains("alice @ 127.0.0.1:\(server.port) · #rust · 2 users"), "\(screen[0])")
        #expect(!screen.contains { $0.contains("bob joined the chat") }, "\(screen.joined(separator: "\n"))")

        try tmux.keys(alice, "M-1")
        _ = try await tmux.waitFor(alice, text: "[1 #general]  2 #rust")
        screen = try tmux.screen(alice)
        #expect(screen.contains { $0.contains("bob joined the chat") } && !screen.contains { $0.contains("in rust") })
        bob.send("while you were in general\n")
        _ = try await tmux.waitFor(alice, text: "[1 #general]  2 #rust (1)")

        try tmux.keys(alice, "M-2")
        _ = try await tmux.waitFor(alice, text: "bob:  while you were in general")
        _ = try await tmux.waitFor(alice, text: "1 #general  [2 #rust]")
        bob.closeInput()
    }
}
