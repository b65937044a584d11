import Foundation
import Glibc
import Testing

/// Clients that lose their server and come back by themselves (issue #13), through the real
/// binary, real sockets, a real room log: after a `kill -9` and a restart on the same port,
/// after a cut from a server that kept running (what was missed comes back once, by `resume`),
/// under tmux, over TLS, and against original-like servers. The backoff starts at 50 ms
/// (`--reconnect-initial-ms`), so no test waits for a schedule; each waits only for what it
/// can observe, within a bounded deadline.
@Suite struct ClientReconnectTests {
    static let fast = ["--reconnect-initial-ms", "50"]

    static func tempDir(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pychat-\(name)-\(UUID().uuidString)").path
    }

    /// The chat lines a transcript shows from `name`, history lines' times taken off.
    static func chats(from name: String, in lines: [String]) -> [String] {
        lines.compactMap { line in
            guard line.hasPrefix(name + ": ") else { return nil }
            var text = line.dropFirst(name.count + 2)
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = text[text.index(close, offsetBy: 2)...] }
            return String(text)
        }
    }

    @Test func aHeadlessClientComesBackAfterAKill9AndShowsEveryMessageOnce() async throws {
        let room = try await RestartableServer("reconnect")
        let port = room.port
        let alice = try client("alice", port: port, Self.fast)
        defer { alice.kill() }
        let bob = try client("bob", port: port, Self.fast)
        defer { bob.kill() }
        try await room.proc.waitFor("2 joins") { $0.stderr.components(separatedBy: " as \"").count == 3 }
        bob.send((1...5).map { "before \($0)\n" }.joined())
        try await alice.waitFor("bob's lines") { $0.stdout.contains("bob: before 5") }

        try await room.kill9()
        try await alice.waitFor("the reconnect line") { $0.stdout.contains("* disconnected: reconnecting in") }
        alice.send("typed while the server was down\n")
        try await room.start()
        try await room.proc.waitFor("both back") { $0.stderr.components(separatedBy: " as \"").count == 3 }
        // Live, or in bob's history if alice rejoined first: either way once.
        try await bob.waitFor("alice's line") { Self.chats(from: "alice", in: $0.stdoutLines).contains("typed while the server was down") }
        bob.send((1...5).map { "after \($0)\n" }.joined())
        try await alice.waitFor("bob's later lines") { $0.stdout.contains("bob: after 5") }

        #expect(Self.chats(from: "bob", in: alice.stdoutLines) == (1...5).map { "before \($0)" } + (1...5).map { "after \($0)" },
                "\(alice.stdoutLines)")
        #expect(Self.chats(from: "alice", in: bob.stdoutLines) == ["typed while the server was down"], "\(bob.stdoutLines)")
        #expect(Self.chats(from: "alice", in: alice.stdoutLines) == ["typed while the server was down"])
        // Handed over means acknowledged: with its input ended, alice exits 0.
        alice.closeInput()
        #expect(try await alice.exitCode() == 0, "\(alice.stderr)")
    }

    @Test func aClientCutFromARunningServerGetsWhatItMissedOnceAndSendsWhatItTyped() async throws {
        let room = try await RestartableServer("resume")
        let port = room.port, server = room.proc
        let proxy = try CutProxy(to: port)
        let alice = try client("alice", port: proxy.port, Self.fast)
        defer { alice.kill() }
        let bob = try client("bob", port: port)
        defer { bob.kill() }
        try await server.waitFor("2 joins") { $0.stderr.components(separatedBy: " as \"").count == 3 }
        bob.send("seen 1\nseen 2\n")
        try await alice.waitFor("bob's lines") { $0.stdout.contains("bob: seen 2") }

        // The network drops alice (and keeps dropping her) while the room goes on.
        proxy.refuse(true)
        proxy.cut()
        try await server.waitFor("alice's leave") { $0.stderr.contains(" \"alice\": closed by peer") }
        try await alice.waitFor("the reconnect line") { $0.stdout.contains("* disconnected: reconnecting in") }
        let carol = try client("carol", port: port)
        defer { carol.kill() }
        try await carol.waitFor("its join") { $0.stdout.contains("* carol joined the chat") }
        bob.send((1...20).map { "missed \($0)\n" }.joined())
        alice.send("typed while cut off\n")
        // Once carol has them, the room has them all: alice can only get them by resuming.
        try await carol.waitFor("bob's lines") { $0.stdout.contains("bob: missed 20") }
        proxy.refuse(false)
        try await bob.waitFor("alice's line") { $0.stdout.contains("alice: typed while cut off") }
        bob.send("live again\n")
        try await alice.waitFor("bob's live line") { $0.stdout.contains("bob: live again") }

        let expected = ["seen 1", "seen 2"] + (1...20).map { "missed \($0)" } + ["live again"]
        #expect(Self.chats(from: "bob", in: alice.stdoutLines) == expected, "\(alice.stdoutLines)")
        #expect(Self.chats(from: "alice", in: bob.stdoutLines) == ["typed while cut off"], "\(bob.stdoutLines)")
        #expect(Self.chats(from: "alice", in: carol.stdoutLines) == ["typed while cut off"])
        // The missed ones are the log's, with their times; the live one is not.
        #expect(alice.stdoutLines.contains { $0.hasPrefix("bob: [") && $0.hasSuffix("] missed 1") })
        #expect(alice.stdoutLines.contains("bob: live again"))
    }

    @Test func aClientUnderTmuxKeepsItsScreenAndShowsPendingLinesUntilTheServerIsBack() async throws {
        let room = try await RestartableServer("reconnect-ui")
        let port = room.port
        let tmux = try Tmux()
        let alice = try tmux.window("alice", "\(Binary.pychat) -H 127.0.0.1 -P \(port) -u alice \(Self.fast.joined(separator: " ")) 2>/dev/null; sleep 60")
        let bob = try client("bob", port: port, Self.fast)
        defer { bob.kill() }
        _ = try await tmux.waitFor(alice, text: "bob joined the chat")
        bob.send("hello before\n")
        _ = try await tmux.waitFor(alice, text: "bob:  hello before")

        try await room.kill9()
        // The title and the last line say so; the screen keeps what was there.
        var screen = try await tmux.waitFor(alice, "the title says so") { $0.first?.contains("disconnected: reconnecting in") == true }
        #expect(screen.contains { $0.contains("bob:  hello before") })
        try tmux.type(alice, "typed while down")
        try tmux.keys(alice, "Enter")
        try tmux.type(alice, "still typing")
        screen = try await tmux.waitFor(alice, text: "(pending) typed while down")

        try await room.start()
        try await bob.waitFor("alice's line") { Self.chats(from: "alice", in: $0.stdoutLines).contains("typed while down") }
        bob.send("hello after\n")
        screen = try await tmux.waitFor(alice, text: "bob:  hello after")
        #expect(screen.filter { $0.contains("bob:  hello before") }.count == 1, "\(screen.joined(separator: "\n"))")
        #expect(screen.filter { $0.contains("alice:  typed while down") }.count == 1)
        #expect(!screen.contains { $0.contains("(pending)") })
        #expect(screen.contains { $0.contains("still typing") })
        #expect(Self.chats(from: "alice", in: bob.stdoutLines) == ["typed while down"])
        // Ctrl-C still quits: the input is cleared first, then an empty input quits.
        try tmux.keys(alice, "C-c")
        try tmux.keys(alice, "C-c")
        _ = try await tmux.waitFor(alice, "the client gone") { !$0.contains { $0.contains("alice @ ") } }
    }

    @Test func overTLSEachAttemptIsANewHandshake() async throws {
        let dir = Self.tempDir("reconnect-tls")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certs = try Proc.pychat("certs", ["certs", "--out", dir])
        #expect(try await certs.exitCode() == 0, "\(certs.stderr)")
        let room = try await RestartableServer("tls", ["--ssl", "--certfile", dir + "/server.pem", "--cafile", dir + "/rootCA.pem"])
        let port = room.port
        let alice = try client("alice", port: port, Self.fast + ["--ssl", "--certfile", dir + "/client.pem", "--cafile", dir + "/rootCA.pem"])
        defer { alice.kill() }
        try await room.proc.waitFor("alice's join") { $0.stderr.contains(" as \"alice\"") }
        try await room.kill9()
        try await alice.waitFor("a failed attempt") { $0.stderr.contains("reconnect attempt") }
        alice.send("over a new handshake\n")
        try await room.start()
        try await room.proc.waitFor("alice back") { $0.stderr.contains(" as \"alice\"") }
        let bob = try client("bob", port: port, ["--ssl", "--certfile", dir + "/client.pem", "--cafile", dir + "/rootCA.pem"])
        defer { bob.kill() }
        try await bob.waitFor("alice's line in bob's history") { $0.stdout.contains("] over a new handshake") }
        #expect(alice.stdoutLines.filter { $0 == "* Connected to server 127.0.0.1:\(port)" }.count == 2)
    }

    @Test(arguments: OriginalPeer.testable)
    func againstAnOriginalServerItRejoinsWithNothingTheOriginalChokesOn(peer: OriginalPeer) async throws {
        let port = try freePort()
        func originalServer() async throws -> Proc {
            let p = try Proc.peer(peer, "server", ["server", "--host", "127.0.0.1", "--port", String(port), "-u", "host",
                                                   "--timeout", "60"])
            try await p.waitFor("listening line") { $0.stdout.contains("\"listening\"") }
            return p
        }
        var server = try await originalServer()
        defer { server.kill() }
        let alice = try client("alice", port: port, Self.fast)
        defer { alice.kill() }
        try await alice.waitFor("its join") { $0.stdout.contains("* alice joined the chat") }
        alice.send("first\n")
        try await server.waitFor("the first line") { $0.stdout.contains("first") }
        server.signal(SIGKILL)
        _ = try await server.exitCode()
        try await alice.waitFor("the reconnect line") { $0.stdout.contains("* disconnected: reconnecting in") }
        alice.send("second, typed while down\n")
        server = try await originalServer()
        try await server.waitFor("alice's rejoin and line") { $0.stdout.contains("second, typed while down") }
        server.signal(SIGTERM)
        _ = try await server.exitCode()
        expectNothingOriginalWouldChokeOn(server)
        let received = jsonLines(server.stdout).filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
        #expect(received.compactMap { $0["type"] as? String } == ["SystemMessage", "JoinRequest", "ChatMessage"], "\(received)")
        #expect(received.compactMap { $0["text"] as? String }.last == "second, typed while down")
        #expect(alice.stderr.components(separatedBy: "the server is an original PyChat server").count == 3, "\(alice.stderr)")
    }
}

/// A headless pychat server on a fixed port (so a restarted one is where its clients dial),
/// keeping its room log in a folder of its own, that a test can `kill -9` and start again.
final class RestartableServer {
    let port: Int
    let data: String
    let extra: [String]
    private(set) var proc: Proc

    init(_ name: String, _ extra: [String] = []) async throws {
        port = try freePort()
        data = ClientReconnectTests.tempDir(name)
        self.extra = extra
        proc = try await Self.launch(port: port, data: data, extra)
    }

    deinit {
        proc.kill()
        try? FileManager.default.removeItem(atPath: data)
    }

    func kill9() async throws {
        proc.signal(SIGKILL)
        _ = try await proc.exitCode()
    }

    func start() async throws { proc = try await Self.launch(port: port, data: data, extra) }

    private static func launch(port: Int, data: String, _ extra: [String]) async throws -> Proc {
        // An ephemeral server keeps no log, so it takes no --data.
        let store = extra.contains("--ephemeral") ? [] : ["--data", data]
        let p = try Proc.pychat("server", ["--serve", "--headless", "-H", "127.0.0.1", "-P", String(port), "--rate", "0"]
                                    + store + extra)
        try await p.waitFor("listening line") { $0.stderr.contains("listening on ") }
        return p
    }
}
