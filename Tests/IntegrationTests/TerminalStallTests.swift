import Foundation
import Glibc
import Testing

/// A terminal that stops reading (a stopped tmux client, a paused ssh): the server behind it
/// goes on relaying, and once the terminal reads again its screen is what a fresh paint shows.
@Suite(.serialized, .timeLimit(.minutes(2))) struct TerminalStallTests {
    /// Messages relayed after the terminal has stopped taking output.
    static let messagesWhileFull = 20

    /// Each message scrolls the history, so each drawing rewrites every row of it: on a big
    /// window with long lines, a few dozen messages fill a pty.
    static func text(_ n: Int) -> String { "message \(n) " + String(repeating: "ab", count: 80) }

    @Test func aTerminalThatStopsReadingStopsNeitherTheChatNorTheRightScreen() async throws {
        let tmux = try Tmux()
        let server = try tmux.window("server", "exec \(Binary.pychat) -s -H 127.0.0.1 -P 0 -u host --rate 0 2>/dev/null",
                                     cols: 200, rows: 50)
        let started = try await tmux.waitFor(server, text: "Server started on 127.0.0.1:")
        let port = try #require(tmux.listeningPort(in: started))
        // The whole width for the history (Ctrl-N hides the members pane), so each long
        // message is one row.
        try tmux.keys(server, "C-n")
        _ = try await tmux.waitFor(server, "the members pane hidden") { !$0.contains { $0.contains("1 here") } }
        let alice = try client("alice", port: port), bob = try client("bob", port: port)
        _ = try await tmux.waitFor(server, text: "bob joined the chat")
        let tty = try tmux.display(server, "#{pane_tty}")
        let tmuxServer = try #require(pid_t(try tmux.display(server, "#{pid}")))

        // The tmux server stops reading the pane's pty: pychat's terminal fills up.
        #expect(kill(tmuxServer, SIGSTOP) == 0)
        var stopped = true
        defer { if stopped { kill(tmuxServer, SIGCONT) } }
        // One at a time, so that the server draws after each, until its terminal is full
        // (how much a pty holds depends on the kernel).
        var n = 0
        func relay() async throws {
            n += 1
            alice.send(Self.text(n) + "\n")
            try await bob.waitFor("message \(n) relayed while the terminal is not read") {
                $0.stdout.contains("alice: \(Self.text(n))\n")
            }
        }
        while Self.isWritable(tty) {
            try #require(n < 5_000, "the pane's pty still takes output after \(n) messages")
            try await relay()
        }
        // The terminal takes nothing now; the chat goes on all the same.
        for _ in 0..<Self.messagesWhileFull { try await relay() }
        #expect(!Self.isWritable(tty))

        kill(tmuxServer, SIGCONT)
        stopped = false
        let last = "alice:  \(Self.text(n))"
        let caughtUp = try await tmux.waitFor(server, text: last)
        // The newest messages end the history, in order, each drawn whole.
        let row = try #require(caughtUp.firstIndex { $0.contains(last) })
        for k in 1...5 {
            #expect(caughtUp[row - k].contains("alice:  \(Self.text(n - k)) "), "row \(row - k): \(caughtUp[row - k])")
        }
        // And the screen as a whole is what a full repaint draws: resizing away and back
        // makes pychat paint every cell afresh.
        try tmux.resize(server, cols: 190, rows: 50)
        _ = try await tmux.waitFor(server, "the narrower repaint") { $0.first?.count == 190 }
        try tmux.resize(server, cols: 200, rows: 50)
        let repainted = try await tmux.waitFor(server, "the repaint at the first size") { $0 == caughtUp }
        #expect(repainted == caughtUp)
        alice.kill()
        bob.kill()
    }

    /// Whether a terminal takes output now (without writing to it).
    static func isWritable(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&p, 1, 0) == 1 && p.revents & Int16(POLLOUT) != 0
    }
}
