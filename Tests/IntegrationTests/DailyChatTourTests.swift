import Foundation
import Testing

/// Issue #14's "done when", whole, on the real binary: three people in three terminals. The
/// host (`pychat --serve` under tmux, with a room log), bob (`pychat` under tmux) and alice on
/// an original client (our original-like peer and the reference one) chat in `#general`; bob
/// and the host talk in `#rust` too; alice renames, whispers to bob and asks who is here; bob
/// answers privately; the host kicks her, she comes back, the host bans her and she is turned
/// away. Alice never gets one frame the original would choke on, nor anything of `#rust`.
/// Each rule is tested on its own elsewhere; this is the tour a new user takes.
@Suite(.serialized) struct DailyChatTourTests {
    @Test(arguments: OriginalPeer.testable)
    func threePeopleTwoRoomsOneOriginalClient(peer: OriginalPeer) async throws {
        try peer.requireAvailable()
        let data = TempFolder("tour")
        let tmux = try Tmux()
        let host = try tmux.window("host", "\(Binary.pychat) -s -H 127.0.0.1 -P 0 -u host --rate 0 --data \(data.path)", cols: 110)
        let started = try await tmux.waitFor(host, text: "Server started on 127.0.0.1:")
        let port = try #require(tmux.listeningPort(in: started))
        let bob = try tmux.window("bob", "\(Binary.pychat) -H 127.0.0.1 -P \(port) -u bob -c 0000ff", cols: 110)
        _ = try await tmux.waitFor(bob, text: "bob joined the chat")

        // Alice on the original client: hello, a rename, a private word to bob, who is here.
        let alice = try Proc.peer(peer, "alice", Self.original(port, "alice", [
            "--wait-users", "3", "--send", "hello from the original", "--send", "/nick alicia",
            "--send", "/msg bob psst, bob", "--send", "/who", "--expect-messages", "1000", "--timeout", "120",
        ]))
        defer { alice.kill() }
        _ = try await tmux.waitFor(bob, text: "alice:  hello from the original")
        _ = try await tmux.waitFor(bob, text: "alice is now known as alicia")
        _ = try await tmux.waitFor(bob, text: "alicia:  [private] psst, bob")
        _ = try await tmux.waitFor(host, text: "alice:  hello from the original")
        try await alice.waitFor("her /who") { Self.systemTexts($0).contains("3 members here:") }
        #expect(Self.systemTexts(alice).contains("[private to bob] psst, bob"))

        // Bob answers her privately and says something to everyone.
        try tmux.send(bob, line: "/reply hi alicia, only you read this")
        try tmux.send(bob, line: "hello everyone")
        try await alice.waitFor("bob's reply") { Self.systemTexts($0).contains("[private] bob: hi alicia, only you read this") }
        try await alice.waitFor("bob's chat") { Self.chatTexts($0).contains("hello everyone") }
        _ = try await tmux.waitFor(host, text: "bob:  hello everyone")
        #expect(try !tmux.screen(host).contains { $0.contains("only you read this") }, "the host read a private message")

        // Bob and the host in #rust: what they say there stays there.
        try tmux.send(bob, line: "/join #rust")
        _ = try await tmux.waitFor(bob, text: "[2 #rust]")
        try tmux.send(host, line: "/join #rust")
        _ = try await tmux.waitFor(host, text: "[2 #rust]")
        _ = try await tmux.waitFor(bob, text: "host joined")
        try tmux.send(bob, line: "only for rust people")
        _ = try await tmux.waitFor(host, text: "bob:  only for rust people")
        try tmux.send(host, line: "/who")
        let who = try await tmux.waitFor(host, text: "2 members here:")
        #expect(!who.contains { $0.contains("alicia idle") }, "\(who.joined(separator: "\n"))")
        try tmux.send(host, line: "welcome to rust, bob")
        _ = try await tmux.waitFor(bob, text: "host:  welcome to rust, bob")
        // Alt-1: the host back in #general, #rust's unread line counted in the status line.
        try tmux.keys(host, "M-1")
        _ = try await tmux.waitFor(host, text: "[1 #general]  2 #rust")
        try tmux.send(bob, line: "one more line for rust")
        _ = try await tmux.waitFor(host, text: "[1 #general]  2 #rust (1)")

        // The host kicks alicia; she comes back as alice; the host bans her; she is turned away.
        // Bob reads #general again to see it.
        try tmux.keys(bob, "M-1")
        _ = try await tmux.waitFor(bob, text: "[1 #general]  2 #rust")
        try tmux.send(host, line: "/kick alicia enough")
        _ = try await alice.event("her connection closing") { $0["event"] as? String == "closed" }
        #expect(Self.systemTexts(alice).last == "host kicked alicia: enough", "\(Self.systemTexts(alice))")
        _ = try await tmux.waitFor(bob, text: "host kicked alicia: enough")
        let back = try Proc.peer(peer, "alice-back", Self.original(port, "alice", ["--expect-messages", "1000", "--timeout", "60"]))
        defer { back.kill() }
        try await back.waitFor("her join") { Self.isListed("alice", $0) }
        try tmux.send(host, line: "/ban alice 1h spam")
        _ = try await back.event("her connection closing") { $0["event"] as? String == "closed" }
        _ = try await tmux.waitFor(bob, text: "host banned alice for 1h")
        let turnedAway = try Proc.peer(peer, "alice-banned", Self.original(port, "alice", ["--expect-messages", "1000", "--timeout", "30"]))
        defer { turnedAway.kill() }
        _ = try await turnedAway.event("the refusal's close") { $0["event"] as? String == "closed" }
        #expect(Self.systemTexts(turnedAway).contains { $0.hasPrefix("Connection refused: you are banned from this server by host") },
                "\(Self.systemTexts(turnedAway))")

        // Not one frame the original would choke on, and nothing of #rust.
        for p in [alice, back, turnedAway] {
            #expect(!originalTexts(p).contains { $0.contains("rust") }, "\(p.stdout)")
        }
    }

    static func original(_ port: Int, _ name: String, _ extra: [String]) -> [String] {
        ["client", "--host", "127.0.0.1", "--port", String(port), "-u", name, "-c", "ff8800"] + extra
    }

    static func texts(_ p: Proc, _ type: String) -> [String] {
        jsonLines(p.stdout).filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
            .filter { $0["type"] as? String == type }.compactMap { $0["text"] as? String }
    }

    /// Whether a ServerInfo the peer was sent lists a user of that name (its join is done).
    static func isListed(_ name: String, _ p: Proc) -> Bool {
        jsonLines(p.stdout).compactMap { $0["msg"] as? [String: Any] }.contains { m in
            guard m["type"] as? String == "ServerInfo", let users = m["users"] as? [String: Any] else { return false }
            return users.values.contains { ($0 as? [String: Any])?["username"] as? String == name }
        }
    }

    static func systemTexts(_ p: Proc) -> [String] { texts(p, "SystemMessage") }
    static func chatTexts(_ p: Proc) -> [String] { texts(p, "ChatMessage") }
}
