import Foundation
import Testing

/// The real binary in tmux: a line naming the user rings the terminal's bell (tmux's bell flag on
/// the window), a line that does not stays quiet, and `--no-notify` rings nothing.
@Suite(.serialized) struct TerminalMentionTests {
    /// alice in a tmux window of her own, never the current one (tmux flags a bell there; it does
    /// not report focus to it, focus-events being off, so pychat takes her to be elsewhere), and
    /// bob, headless, in the same room.
    static func aliceAndBob(_ tmux: Tmux, flags: String = "", environment: String = "") async throws
        -> (server: Server, alice: String, bob: Proc)
    {
        let server = try await Server.start()
        let alice = try tmux.window("alice", "\(environment)\(Binary.pychat) -H 127.0.0.1 -P \(server.port) -u alice \(flags)")
        _ = try await tmux.waitFor(alice, text: "alice joined the chat")
        let bob = try client("bob", port: server.port)
        _ = try await tmux.waitFor(alice, text: "bob joined the chat")
        return (server, alice, bob)
    }

    /// bob says something for no one, then `line`: alice's window has no bell flag after the
    /// first, and has one once `shown` is on her screen.
    static func ringsAfter(_ line: String, shows shown: String) async throws {
        let tmux = try Tmux()
        let (server, alice, bob) = try await aliceAndBob(tmux)
        defer { server.proc.kill(); bob.kill() }
        bob.send("nothing for anyone\n")
        _ = try await tmux.waitFor(alice, text: "bob:  nothing for anyone")
        #expect(try tmux.display(alice, "#{window_bell_flag}") == "0")

        bob.send(line + "\n")
        _ = try await tmux.waitFor(alice, text: shown)
        for _ in 0..<100 where try tmux.display(alice, "#{window_bell_flag}") != "1" {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(try tmux.display(alice, "#{window_bell_flag}") == "1")
    }

    @Test func aMentionRingsTheBell() async throws {
        try await Self.ringsAfter("ALICE, look", shows: "bob:  ALICE, look")
    }

    /// A private message is a mention, whatever it says: the bell rings for one that does not
    /// name her.
    @Test func aPrivateMessageRingsTheBell() async throws {
        try await Self.ringsAfter("/msg alice psst", shows: "bob:  [private] psst")
    }

    @Test(arguments: [("--no-notify", ""), ("", "env PYCHAT_NO_NOTIFY=1 ")])
    func noNotifyRingsNoBell(flags: String, environment: String) async throws {
        let tmux = try Tmux()
        let (server, alice, bob) = try await Self.aliceAndBob(tmux, flags: flags, environment: environment)
        defer { server.proc.kill(); bob.kill() }
        bob.send("alice, look\n")
        _ = try await tmux.waitFor(alice, text: "bob:  alice, look")
        // The bell would be written with the frame that shows the line; a later frame proves
        // the earlier one was taken whole.
        bob.send("and then\n")
        _ = try await tmux.waitFor(alice, text: "bob:  and then")
        #expect(try tmux.display(alice, "#{window_bell_flag}") == "0")
    }
}
