import Foundation
import Testing

/// The built binary in real terminals (tmux): a server with its host user and two clients.
@Suite(.serialized) struct TerminalUITests {
    let pychat = Binary.pychat

    /// A shell command that runs pychat, then records how it ended and the terminal's modes
    /// (written whole, then renamed, so a reader never sees half of it).
    func command(_ args: String, status file: String) -> String {
        "sh -c '\(pychat) \(args) 2>\(file).err; echo \"exit=$?\" > \(file).part; stty -a >> \(file).part; mv \(file).part \(file); sleep 60'"
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func waitForFile(_ path: String, containing text: String) async throws -> String {
        for _ in 0..<1200 {
            let s = read(path)
            if s.contains(text) { return s }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw Timeout(description: "\(path) never said \(text): \(read(path))")
    }

    @Test func serverAndTwoClientsChatWithTheOriginalsLookAndKeys() async throws {
        let tmux = try Tmux()
        let dir = NSTemporaryDirectory() + "pychat-ui-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Kept on failure: each window's standard error and exit status are there.
        var passed = false
        defer { if passed { try? FileManager.default.removeItem(atPath: dir) } else { print("terminal test files kept in \(dir)") } }

        let server = try tmux.window("server", command("-s -H 127.0.0.1 -P 0 -u host -c 00aa00 --record \(dir)/server.log",
                                                       status: "\(dir)/server"))
        let started = try await tmux.waitFor(server, text: "Server started on 127.0.0.1:")
        let port = try #require(tmux.listeningPort(in: started))
        let alice = try tmux.window("alice", command("-H 127.0.0.1 -P \(port) -u alice -c ff8800", status: "\(dir)/alice"))
        // bob starts once alice is in, so that alice sees him arrive.
        _ = try await tmux.waitFor(alice, text: "alice joined the chat")
        let bob = try tmux.window("bob", command("-H 127.0.0.1 -P \(port) -u bob -c 0000ff --no-reconnect", status: "\(dir)/bob"), cols: 80, rows: 24)
        _ = try await tmux.waitFor(alice, text: "bob joined the chat")

        // The history pane has focus first: its border is on top, the input shows the hint.
        var screen = try tmux.screen(alice)
        #expect(screen[0].hasPrefix("┌─ alice @ 127.0.0.1:\(port)"))
        #expect(screen[26].contains("This is where you type your message. Press `tab` to rotate focus."))
        // Tab moves focus (and the border) to the input; typing and Return send.
        try tmux.keys(alice, "Tab")
        screen = try await tmux.waitFor(alice, text: "Begin typing your message... Press `return` to send.")
        #expect(screen[25].hasPrefix("┌──"))
        #expect(!screen[0].hasPrefix("┌"))
        try tmux.type(alice, "hello from alice é 中文 😀")
        try tmux.keys(alice, "Enter")
        for target in [bob, server] {
            _ = try await tmux.waitFor(target, text: "     alice:  hello from alice é 中文 😀")
        }
        // Typing in the history pane goes to the input; the host speaks to everyone.
        try tmux.type(server, "welcome, all")
        try tmux.keys(server, "Enter")
        _ = try await tmux.waitFor(alice, text: "      host:  welcome, all")
        _ = try await tmux.waitFor(bob, text: "      host:  welcome, all")

        // Hostile text arrives drawn, not obeyed.
        try tmux.keys(bob, "Tab")
        try tmux.type(bob, "evil \u{1b}]0;pwned\u{07} text")
        try tmux.keys(bob, "Enter")
        _ = try await tmux.waitFor(alice, text: "       bob:  evil")
        #expect(try tmux.display(alice, "#{pane_title}") != "pwned")

        // Enough lines to scroll: PageUp in the history shows the marker, End returns.
        for n in 1...30 {
            try tmux.type(bob, "line \(n)")
            try tmux.keys(bob, "Enter")
        }
        _ = try await tmux.waitFor(alice, text: "       bob:  line 30")
        try tmux.keys(alice, "Tab")
        try tmux.keys(alice, "PageUp")
        screen = try await tmux.waitFor(alice, text: "more below — End to jump")
        #expect(!screen.contains { $0.contains("bob:  line 30") })
        try tmux.type(bob, "one more")
        try tmux.keys(bob, "Enter")
        _ = try await tmux.waitFor(alice, text: "1 new line below — End to jump")
        try tmux.keys(alice, "End")
        _ = try await tmux.waitFor(alice, text: "       bob:  one more")

        // Resizing re-lays the screen out at once.
        try tmux.resize(alice, cols: 60, rows: 20)
        screen = try await tmux.waitFor(alice, "the 60-column layout") { $0.first?.count == 60 && $0.first!.hasPrefix("┌─ alice") }
        #expect(screen[14] == "└" + String(repeating: "─", count: 58) + "┘")
        #expect(screen[16] == " This is where you type your message. Press `tab` to rotate")

        // Ctrl-C on an empty input quits; the terminal is as it was.
        try tmux.keys(alice, "C-c")
        let aliceEnd = try await waitForFile("\(dir)/alice", containing: "exit=")
        #expect(aliceEnd.contains("exit=0"))
        #expect(aliceEnd.contains(" icanon") && aliceEnd.contains(" echo") && !aliceEnd.contains("-icanon"))
        #expect(try tmux.display(alice, "#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "0 1 0")

        // SIGTERM puts the terminal back too.
        let carol = try tmux.window("carol", command("-H 127.0.0.1 -P \(port) -u carol-\(getpid())", status: "\(dir)/carol"))
        _ = try await tmux.waitFor(carol, text: "carol-\(getpid()) joined the chat")
        let pids = try tmux.display(carol, "#{pane_pid}")
        _ = try await Proc("pkill", "/usr/bin/env", ["pkill", "-TERM", "-P", pids]).exitCode()
        let carolEnd = try await waitForFile("\(dir)/carol", containing: "exit=")
        #expect(carolEnd.contains("exit=0") && carolEnd.contains(" icanon") && !carolEnd.contains("-echo "), "\(carolEnd)")
        #expect(try tmux.display(carol, "#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "0 1 0")

        // The server going away ends bob's session too (he runs with --no-reconnect), with the terminal restored.
        try tmux.keys(server, "C-c")
        let bobEnd = try await waitForFile("\(dir)/bob", containing: "exit=")
        #expect(bobEnd.contains("exit=3"))
        #expect(bobEnd.contains(" icanon") && !bobEnd.contains("-echo "))
        #expect(try tmux.display(bob, "#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "0 1 0")
        #expect(try await waitForFile("\(dir)/server", containing: "exit=").contains("exit=0"))

        // The host's recorded session replays to the screens it saw.
        let replay = try Proc.pychat("replay", ["replay", "\(dir)/server.log", "--verify", "--screens"])
        #expect(try await replay.exitCode() == 0, "\(replay.stderr)")
        #expect(replay.stdout.hasPrefix("── step 1 ─"))
        #expect(replay.stdout.contains("   host · serving 127.0.0.1:\(port) · 3 users"))
        #expect(replay.stdout.contains("     alice:  hello from alice é 中文 😀"))
        let last = try Proc.pychat("replay", ["replay", "\(dir)/server.log", "--screen"])
        #expect(try await last.exitCode() == 0)
        #expect(last.stdout.contains("carol-\(getpid()) left the chat"))
        passed = true
    }
}
