import Foundation
import Testing

/// Commands with the real binary over real sockets (issue #14): a headless bot using them, an
/// original-like client renaming and sending private messages on a pychat server without one
/// frame it would reject, and a pychat client refusing a server command on an original-like
/// server without sending it.
@Suite struct CommandTests {
    /// The frames of kind 1 an original-like peer received, as decoded objects.
    func messages(_ p: Proc) -> [[String: Any]] {
        jsonLines(p.stdout).filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
    }

    func texts(_ p: Proc, _ type: String) -> [String] {
        messages(p).filter { $0["type"] as? String == type }.compactMap { $0["text"] as? String }
    }

    @Test func aHeadlessBotUsesCommands() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let bob = try client("bob", port: server.port, color: "0000ff")
        defer { bob.kill() }
        try await server.waitForJoins(1)
        let bot = try client("bot", port: server.port, color: "ff8800")
        defer { bot.kill() }
        try await bob.waitFor("the bot's join") { $0.stdout.contains("* bot joined the chat") }
        bot.send("/nick robot\n/away testing\n/topic the weekly build\n/who\n/frob\n/msg bob psst\n//not a command\n")
        try await bot.waitFor("the bot's private message echoed") { $0.stdout.contains("robot: [private to bob] psst") }
        try await bob.waitFor("the bot's private message") { $0.stdout.contains("robot: [private] psst") }
        #expect(bot.stdout.contains("* bot is now known as robot"), "\(bot.stdout)")
        #expect(bot.stdout.contains("* You are marked away: testing. /back clears it."))
        #expect(bot.stdout.contains("* robot set the topic: the weekly build"))
        #expect(bot.stdout.contains("* 2 members here:\n*   bob idle "), "\(bot.stdout)")
        #expect(bot.stdout.contains("*   robot (away: testing) idle "))
        #expect(bot.stdout.contains("* Unknown command /frob: /help lists the commands, //text sends /text."))
        try await bob.waitFor("the chat of one slash") { $0.stdout.contains("robot: /not a command") }
        // bob saw the rename and the topic, and no command as chat.
        #expect(bob.stdout.contains("* bot is now known as robot"))
        #expect(bob.stdout.contains("* robot set the topic: the weekly build"))
        #expect(!bob.stdout.contains("/nick") && !bob.stdout.contains("/who") && !bob.stdout.contains("/msg"), "\(bob.stdout)")
        // The room log holds the rename and the topic, and the server says who did them.
        #expect(server.proc.stderr.contains(" \"bot\" to \"robot\""), "\(server.proc.stderr)")
        #expect(server.proc.stderr.contains("topic by \"robot\": \"the weekly build\""))
        bot.send("/quit see you\n")
        #expect(try await bot.exitCode() == 0, "\(bot.stderr)")
        try await bob.waitFor("the parting words") { $0.stdout.contains("* robot quits: see you") }
        try await bob.waitFor("the departure") { $0.stdout.contains("* robot left the chat") }
        bob.closeInput()
        #expect(try await bob.exitCode() == 0)
    }

    /// The host types commands on its own input (line mode, TERM=dumb) and quits with /quit.
    @Test func theHostUsesCommandsOnItsOwnInput() async throws {
        let host = try Proc("host", "/usr/bin/env", ["TERM=dumb", Binary.pychat, "-s", "-u", "host", "-H", "127.0.0.1", "-P", "0",
                                                      "--rate", "0"])
        defer { host.kill() }
        try await host.waitFor("the listening line") { $0.stdout.contains("* Server started on 127.0.0.1:") }
        let line = try #require(host.stdoutLines.first { $0.hasPrefix("* Server started on 127.0.0.1:") })
        let port = try #require(Int(line.split(separator: ":").last!))
        let bob = try client("bob", port: port, color: "0000ff", ["--no-reconnect"])
        defer { bob.kill() }
        try await host.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }
        host.send("/nick boss\n/msg bob hi bob\n/who\n/ignore bob\n")
        try await bob.waitFor("the host's private message") { $0.stdout.contains("boss: [private] hi bob") }
        #expect(bob.stdout.contains("* host is now known as boss"), "\(bob.stdout)")
        try await host.waitFor("the ignore notice") { $0.stdout.contains("* Ignoring bob:") }
        #expect(host.stdout.contains("boss: [private to bob] hi bob"), "\(host.stdout)")
        #expect(host.stdout.contains("* 2 members here:\n*   @boss idle "), "\(host.stdout)")
        host.send("/quit closing time\n")
        try await bob.waitFor("the host's parting words") { $0.stdout.contains("* boss quits: closing time") }
        #expect(try await host.exitCode() == 0, "\(host.stderr)")
        #expect(try await bob.exitCode() == 3)
    }

    @Test(arguments: OriginalPeer.testable)
    func anOriginalClientRenamesAndSendsPrivateMessages(peer: OriginalPeer) async throws {
        try peer.requireAvailable()
        let server = try await Server.start()
        defer { server.proc.kill() }
        let carol = try client("carol", port: server.port, color: "00aa00")
        defer { carol.kill() }
        try await server.waitForJoins(1)
        let alice = try Proc.peer(peer, "alice", ["client", "--host", "127.0.0.1", "--port", String(server.port), "-u", "alice",
                                                  "-c", "ff8800", "--wait-users", "2", "--send", "/nick alicia",
                                                  "--send", "/msg carol psst", "--send", "/me waves", "--send", "/who",
                                                  "--expect-messages", "1", "--linger", "1", "--timeout", "30"])
        defer { alice.kill() }
        try await carol.waitFor("alice's private message") { $0.stdout.contains("alicia: [private] psst") }
        try await carol.waitFor("alice's action") { $0.stdout.contains("* * alicia waves") }
        #expect(carol.stdout.contains("* alice is now known as alicia"), "\(carol.stdout)")
        carol.send("/msg ALICIA hi back\nhello all\n")
        #expect(try await alice.exitCode(timeout: 40) == 0, "\(alice.stdout) \(alice.stderr)")

        expectNothingOriginalWouldChokeOn(alice)
        #expect(jsonLines(alice.stdout).filter { $0["kind"] != nil }.allSatisfy { $0["kind"] as? Int == 1 })
        let systems = texts(alice, "SystemMessage")
        for line in ["alice is now known as alicia", "[private to carol] psst", "* alicia waves", "2 members here:",
                     "[private] carol: hi back"] {
            #expect(systems.contains(line), "\(line) not in \(systems)")
        }
        #expect(texts(alice, "ChatMessage") == ["hello all"])
        // A fresh table came before the rename's line, naming her anew.
        let renamedTable = messages(alice).firstIndex { m in
            guard m["type"] as? String == "ServerInfo", let users = m["users"] as? [String: Any] else { return false }
            return users.values.contains { ($0 as? [String: Any])?["username"] as? String == "alicia" }
        }
        let renameLine = messages(alice).firstIndex { $0["text"] as? String == "alice is now known as alicia" }
        #expect(renamedTable != nil && renameLine != nil && renamedTable! < renameLine!)
        // carol never saw a command as chat.
        #expect(!carol.stdout.contains(": /"), "\(carol.stdout)")
        carol.closeInput()
        #expect(try await carol.exitCode() == 0)
    }

    @Test(arguments: OriginalPeer.testable)
    func aPychatClientOnAnOriginalServerRefusesServerCommandsLocally(peer: OriginalPeer) async throws {
        try peer.requireAvailable()
        let server = try Proc.peer(peer, "server", ["server", "--host", "127.0.0.1", "--port", "0", "-u", "host", "--timeout", "60"])
        defer { server.kill() }
        try await server.waitFor("listening line") { $0.stdout.contains("\"listening\"") }
        let port = try #require(jsonLines(server.stdout).first { $0["event"] as? String == "listening" }?["port"] as? Int)
        let alice = try client("alice", port: port)
        defer { alice.kill() }
        try await alice.waitFor("her join") { $0.stdout.contains("* alice joined the chat") }
        alice.send("/nick alicia\n/msg host hi\n/who\n/ignore host\nhello\n")
        alice.closeInput()
        #expect(try await alice.exitCode() == 0, "\(alice.stderr)")
        #expect(alice.stdout.contains("* /nick needs a pychat server: this is an original PyChat server."), "\(alice.stdout)")
        #expect(alice.stdout.contains("* /msg needs a pychat server: this is an original PyChat server."))
        #expect(alice.stdout.contains("* 2 members in the server's table:\n*   host\n*   alice"), "\(alice.stdout)")
        #expect(alice.stdout.contains("* Ignoring host: their chats, actions and private messages are not shown."))
        server.signal(SIGTERM)
        #expect(try await server.exitCode() == 0)
        expectNothingOriginalWouldChokeOn(server)
        // The server was sent the chat and nothing of the commands.
        #expect(texts(server, "ChatMessage") == ["hello"], "\(server.stdout)")
    }
}
