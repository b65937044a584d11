import Foundation
import Testing

/// pychat against original-like peers, which behave on the wire like the original PyChat.
@Suite struct InteropTests {
    /// A mixed room on a pychat server: two original-like clients and a pychat one. The pychat
    /// client and the server find each other and use what they negotiated; the original-like
    /// clients see exactly the original protocol.
    @Test(arguments: OriginalPeer.testable)
    func originalClientsOnPychatServer(peer: OriginalPeer) async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let port = String(server.port)
        let peers = try ["alice", "bob"].map { name in
            try Proc.peer(peer, name, ["client", "--host", "127.0.0.1", "--port", port, "-u", name, "-c", "ff8800",
                                    "--wait-users", "3", "--send", "hello from \(name)", "--send", "é 中 😀 from \(name)",
                                    "--expect-messages", "3", "--timeout", "30"])
        }
        defer { peers.forEach { $0.kill() } }
        let carol = try client("carol", port: server.port)
        defer { carol.kill() }
        try await server.waitForJoins(3)
        carol.send("hi from carol\n")

        for p in peers {
            #expect(try await p.exitCode(timeout: 40) == 0, "\(p.name): \(p.stdout) \(p.stderr)")
        }
        try await carol.waitFor("4 messages") { received($0, excluding: "carol").count >= 4 }
        let heard = Set(received(carol, excluding: "carol"))
        for name in ["alice", "bob"] {
            #expect(heard.contains("\(name): hello from \(name)"))
            #expect(heard.contains("\(name): é 中 😀 from \(name)"))
        }
        carol.closeInput()
        #expect(try await carol.exitCode() == 0)
        // Only carol gave the sign, and she was welcomed with room sizes.
        #expect(server.count("pychat peer #") == 1, "\(server.proc.stderr)")
        #expect(server.count("features: room-size") == 1)
        #expect(carol.stderr.contains("the server speaks pychat: protocol 1, features: room-size"), "\(carol.stderr)")

        for (p, other) in zip(peers, ["bob", "alice"]) {
            expectNothingOriginalWouldChokeOn(p)
            let lines = jsonLines(p.stdout)
            // Frames received (the peer also prints what it sent, as "sent" events).
            let messages = lines.filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
            let chats = messages.filter { $0["type"] as? String == "ChatMessage" }.compactMap { $0["text"] as? String }
            #expect(Set(chats) == ["hello from \(other)", "é 中 😀 from \(other)", "hi from carol"], "\(p.name): \(chats)")
            let infos = messages.filter { $0["type"] as? String == "ServerInfo" }
            // Some ServerInfo listed all three (a later one may miss a peer that already left).
            let tables = infos.map { info in
                Set((info["users"] as? [String: Any] ?? [:]).values.compactMap { ($0 as? [String: Any])?["username"] as? String })
            }
            #expect(tables.contains(["alice", "bob", "carol"]), "\(p.name): \(tables)")
        }
    }

    /// A mixed room on an original-like server: two pychat clients and an original-like one.
    /// The server never answers the pychat sign, so the pychat clients know it is an original
    /// and speak its protocol only; the original-like server and client see nothing else.
    @Test(arguments: OriginalPeer.testable)
    func pychatClientsOnOriginalServer(peer: OriginalPeer) async throws {
        let server = try Proc.peer(peer, "server", ["server", "--host", "127.0.0.1", "--port", "0", "-u", "host",
                                                    "--host-say", "welcome", "--timeout", "60"])
        defer { server.kill() }
        try await server.waitFor("listening line") { $0.stdout.contains("\"listening\"") }
        let listening = jsonLines(server.stdout).first { $0["event"] as? String == "listening" }
        let port = try #require(listening?["port"] as? Int)

        let alice = try client("alice", port: port, color: "#FF8800")
        defer { alice.kill() }
        try await alice.waitFor("the host's welcome") { $0.stdout.contains("host: welcome") }
        let bob = try client("bob", port: port)
        defer { bob.kill() }
        try await alice.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }
        try await bob.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }

        let dan = try Proc.peer(peer, "dan", ["client", "--host", "127.0.0.1", "--port", String(port), "-u", "dan",
                                              "-c", "00aa00", "--wait-users", "4", "--send", "dan here, 中文 ok",
                                              "--expect-messages", "2", "--timeout", "30"])
        defer { dan.kill() }
        try await alice.waitFor("dan's join") { $0.stdout.contains("* dan joined the chat") }

        alice.send("hi bob, ça va?\n")
        bob.send("hi alice\n")
        try await bob.waitFor("alice's message") { $0.stdout.contains("alice: hi bob, ça va?") }
        try await alice.waitFor("bob's message") { $0.stdout.contains("bob: hi alice") }
        try await alice.waitFor("dan's message") { $0.stdout.contains("dan: dan here, 中文 ok") }
        #expect(try await dan.exitCode(timeout: 40) == 0, "\(dan.stdout) \(dan.stderr)")
        expectNothingOriginalWouldChokeOn(dan)
        let danHeard = jsonLines(dan.stdout).filter { $0["kind"] != nil }
        #expect(danHeard.allSatisfy { $0["kind"] as? Int == 1 }, "\(danHeard)")
        let danChats = danHeard.compactMap { $0["msg"] as? [String: Any] }
            .filter { $0["type"] as? String == "ChatMessage" }.compactMap { $0["text"] as? String }
        #expect(Set(danChats).isSuperset(of: ["hi bob, ça va?", "hi alice"]), "\(danChats)")
        for p in [alice, bob] {
            #expect(p.stderr.contains("the server is an original PyChat server"), "\(p.name): \(p.stderr)")
            #expect(!p.stderr.contains("speaks pychat"))
        }
        bob.closeInput()
        #expect(try await bob.exitCode() == 0, "\(bob.stderr)")
        try await alice.waitFor("bob's departure") { $0.stdout.contains("* bob left the chat") }
        alice.closeInput()
        #expect(try await alice.exitCode() == 0, "\(alice.stderr)")

        server.signal(SIGTERM)
        #expect(try await server.exitCode() == 0)
        expectNothingOriginalWouldChokeOn(server)
        let lines = jsonLines(server.stdout)
        let received = lines.filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
        let joins = received.filter { $0["type"] as? String == "JoinRequest" }
        #expect(joins.count == 3)
        #expect(joins.first?["username"] as? String == "alice")
        #expect(joins.first?["color"] as? String == "#FF8800")
        let chats = received.filter { $0["type"] as? String == "ChatMessage" }.compactMap { $0["text"] as? String }
        #expect(Set(chats) == ["hi bob, ça va?", "hi alice", "dan here, 中文 ok"] && chats.count == 3, "\(chats)")
        // The pychat clients' signs: decoded, then ignored, as the original ignores them.
        let signs = received.filter { $0["type"] as? String == "SystemMessage" }.compactMap { $0["text"] as? String }
        #expect(signs == ["pychat/1 room-size history resume commands context rooms", "pychat/1 room-size history resume commands context rooms"])
        #expect(lines.filter { $0["event"] as? String == "ignored" }.count == 2)
        #expect(lines.filter { $0["event"] as? String == "left" }.count == 3)
    }
}
