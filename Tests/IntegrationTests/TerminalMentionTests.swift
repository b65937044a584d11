import Foundation
import Testing

/// The real binary in tmux: a line naming the user rings the terminal's bell (tmux's bell flag on
/// the window), a line that does not stays quiet, and the mention is drawn highlighted.
@Suite(.serialized) struct TerminalMentionTests {
    @Test func aMentionRingsTheBell() async throws {
        let tmux = try Tmux()
        let server = try await Server.start()
        defer { server.proc.kill() }
        // A window of its own, never the current one: tmux flags a bell there. tmux does not
        // report focus to it (focus-events is off), so pychat takes the user to be elsewhere.
        let alice = try tmux.window("alice", "\(Binary.pychat) -H 127.0.0.1 -P \(server.port) -u alice")
        _ = try await tmux.waitFor(alice, text: "alice joined the chat")
        let bob = try client("bob", port: server.port)
        defer { bob.kill() }
        _ = try await tmux.waitFor(alice, text: "bob joined the chat")

        bob.send("nothing for anyone\n")
        _ = try await tmux.waitFor(alice, text: "bob:  nothing for anyone")
        #expect(try tmux.display(alice, "#{window_bell_flag}") == "0")

        bob.send("ALICE, look\n")
        _ = try await tmux.waitFor(alice, text: "bob:  ALICE, look")
        for _ in 0..<100 where try tmux.display(alice, "#{window_bell_flag}") != "1" {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(try tmux.display(alice, "#{window_bell_flag}") == "1")
    }

    /// `--no-notify`: the same mention, no bell.
    @Test func noNotifyRingsNoBell() async throws {
        let tmux = try Tmux()
        let server = try await Server.start()
        defer { server.proc.kill() }
        let alice = try tmux.window("alice", "\(Binary.pychat) -H 127.0.0.1 -P \(server.port) -u alice --no-notify")
        _ = try await tmux.waitFor(alice, text: "alice joined the chat")
        let bob = try client("bob", port: server.port)
        defer { bob.kill() }
        _ = try await tmux.waitFor(alice, text: "bob joined the chat")
        bob.send("alice, look\n")
        _ = try await tmux.waitFor(alice, text: "bob:  alice, look")
        // The bell would be written with the frame that shows the line; a later frame proves
        // the earlier one was taken whole.
        bob.send("and then\n")
        _ = try await tmux.waitFor(alice, text: "bob:  and then")
        #expect(try tmux.display(alice, "#{window_bell_flag}") == "0")
    }
}
