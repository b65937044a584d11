import Foundation
import Testing

/// `--ssl` end to end: certificates from `pychat certs`, a pychat TLS server with a pychat
/// client and an original-like client, and the failures a user must see clearly.
@Suite struct RuntimeTLSTests {
    @Test(arguments: OriginalPeer.testable)
    func tlsSessionWithPychatAndOriginalClients(peer original: OriginalPeer) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-io-tls-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certs = try Proc.pychat("certs", ["certs", "--out", dir])
        #expect(try await certs.exitCode() == 0, "\(certs.stderr)")
        let other = dir + "/other"
        let otherCerts = try Proc.pychat("certs", ["certs", "--out", other])
        #expect(try await otherCerts.exitCode() == 0)

        let server = try await Server.start(["--ssl", "--certfile", dir + "/server.pem", "--cafile", dir + "/rootCA.pem"])
        defer { server.proc.kill() }
        let tlsFlags = ["--ssl", "--certfile", dir + "/client.pem", "--cafile", dir + "/rootCA.pem"]
        let alice = try Proc.pychat("alice", ["--headless", "-H", "127.0.0.1", "-P", String(server.port), "-u", "alice"] + tlsFlags)
        defer { alice.kill() }
        try await server.waitForJoins(1)
        let peer = try Proc.peer(original, "bob", ["client", "--host", "127.0.0.1", "--port", String(server.port), "-u", "bob",
                                                      "--wait-users", "2", "--send", "hi alice ça va 😀", "--expect-messages", "1",
                                                      "--timeout", "20"] + tlsFlags)
        defer { peer.kill() }
        try await server.waitForJoins(2)
        alice.send("hi bob\n")
        #expect(try await peer.exitCode(timeout: 30) == 0, "\(peer.stdout)\(peer.stderr)")
        try await alice.waitFor("bob's message") { $0.stdout.contains("bob: hi alice ça va 😀") }
        let heard = jsonLines(peer.stdout).filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
        #expect(heard.contains { $0["type"] as? String == "ChatMessage" && $0["text"] as? String == "hi bob" })
        expectNothingOriginalWouldChokeOn(peer)
        alice.closeInput()
        #expect(try await alice.exitCode() == 0, "\(alice.stderr)")

        // A plaintext client is refused during the handshake, with a reason in the server's log.
        let plain = try client("plain", port: server.port, ["--no-reconnect"])
        defer { plain.kill() }
        plain.closeInput()
        #expect(try await plain.exitCode() == 3)
        try await server.proc.waitFor("plaintext diagnosis") { $0.stderr.contains("not speaking TLS") }
        // ... and the client says what it most likely got wrong, not only "closed by peer".
        #expect(plain.stderr.contains("did you mean --ssl?"), "\(plain.stderr)")

        // The other mix-up: a --ssl client on a plain server.
        let plainServer = try await Server.start()
        defer { plainServer.proc.kill() }
        let eager = try Proc.pychat("eager", ["--headless", "-H", "127.0.0.1", "-P", String(plainServer.port)] + tlsFlags)
        defer { eager.kill() }
        #expect(try await eager.exitCode() == 1)
        #expect(eager.stderr.contains("a server without TLS? then leave out --ssl"), "\(eager.stderr)")

        // A client trusting another CA rejects the server: exit 1 and a clear line.
        let rogue = try Proc.pychat("rogue", ["--headless", "--ssl", "-H", "127.0.0.1", "-P", String(server.port),
                                              "--certfile", other + "/client.pem", "--cafile", other + "/rootCA.pem"])
        defer { rogue.kill() }
        #expect(try await rogue.exitCode() == 1)
        #expect(rogue.stderr.contains("cannot connect to 127.0.0.1:\(server.port)") && rogue.stderr.contains("certificate"),
                "\(rogue.stderr)")

        server.proc.signal(SIGTERM)
        #expect(try await server.proc.exitCode() == 0)
    }

    /// Bad certificates and names are turned away, each with its reason, while a good pair of
    /// clients chats on without losing a line.
    @Test func rejectionsDoNotDisturbOthers() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-tls-rej-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, out) in [("certs", dir), ("rogue", dir + "/rogue")] {
            let p = try Proc.pychat(name, ["certs", "--out", out])
            #expect(try await p.exitCode() == 0)
        }
        // Listening on every address, so that a client may dial one the certificate does not name.
        let server = try await Server.start(["--ssl", "--certfile", dir + "/server.pem", "--cafile", dir + "/rootCA.pem"],
                                            host: "0.0.0.0")
        defer { server.proc.kill() }
        func tlsClient(_ name: String, host: String = "127.0.0.1", certs: String) throws -> Proc {
            try Proc.pychat(name, ["--headless", "-H", host, "-P", String(server.port), "-u", name, "--ssl",
                                   "--certfile", certs + "/client.pem", "--cafile", certs + "/rootCA.pem"])
        }
        let alice = try tlsClient("alice", certs: dir), bob = try tlsClient("bob", certs: dir)
        defer { alice.kill(); bob.kill() }
        try await server.waitForJoins(2)
        alice.send("one\n")

        // A client certificate from another CA (trusting ours, so only the server objects).
        try FileManager.default.copyItem(atPath: dir + "/rootCA.pem", toPath: dir + "/rogue/ours.pem")
        let mallory = try Proc.pychat("mallory", ["--headless", "-H", "127.0.0.1", "-P", String(server.port), "--ssl",
                                                  "--certfile", dir + "/rogue/client.pem", "--cafile", dir + "/rogue/ours.pem"])
        defer { mallory.kill() }
        try await server.proc.waitFor("the rogue client's rejection") { $0.stderr.contains("is not signed by the CA in") }
        // With TLS 1.3 the verdict comes after the client's side of the handshake; the client
        // waits for it, so a rejection is a failure to connect, never "Connected" first.
        #expect(try await mallory.exitCode() == 1)
        #expect(mallory.stderr.hasPrefix("pychat: cannot connect to 127.0.0.1:\(server.port): TLS: ")
                && mallory.stderr.hasSuffix("it rejected our certificate\n"), "\(mallory.stderr)")
        #expect(!mallory.stdout.contains("Connected"), "\(mallory.stdout)")
        alice.send("two\n")

        // A name the server's certificate does not carry.
        let stray = try tlsClient("stray", host: "127.0.0.2", certs: dir)
        defer { stray.kill() }
        #expect(try await stray.exitCode() == 1)
        #expect(stray.stderr.contains("IP address mismatch") && stray.stderr.contains("not '127.0.0.2'"), "\(stray.stderr)")
        alice.send("three\n")

        try await bob.waitFor("all of alice's lines") { $0.stdout.contains("alice: three") }
        #expect(received(bob, excluding: "bob").filter { $0.hasPrefix("alice: ") } == ["alice: one", "alice: two", "alice: three"])
        alice.closeInput()
        bob.closeInput()
        #expect(try await alice.exitCode() == 0)
    }

    /// pychat clients on an original-like TLS server.
    @Test(arguments: OriginalPeer.testable)
    func pychatClientsOnAnOriginalTLSServer(peer original: OriginalPeer) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-tls-ref-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certs = try Proc.pychat("certs", ["certs", "--out", dir])
        #expect(try await certs.exitCode() == 0)
        let peer = try Proc.peer(original, "server", ["server", "--host", "127.0.0.1", "--port", "0", "-u", "host", "--ssl",
                                                      "--certfile", dir + "/server.pem", "--cafile", dir + "/rootCA.pem",
                                                      "--host-say", "welcome", "--timeout", "60"])
        defer { peer.kill() }
        try await peer.waitFor("listening") { $0.stdout.contains("\"listening\"") }
        let listening = jsonLines(peer.stdout).first { $0["event"] as? String == "listening" }
        let port = try #require(listening?["port"] as? Int)
        func tlsClient(_ name: String) throws -> Proc {
            try Proc.pychat(name, ["--headless", "-H", "127.0.0.1", "-P", String(port), "-u", name, "--ssl",
                                   "--certfile", dir + "/client.pem", "--cafile", dir + "/rootCA.pem"])
        }
        let alice = try tlsClient("alice")
        defer { alice.kill() }
        try await alice.waitFor("the host's welcome") { $0.stdout.contains("host: welcome") }
        let bob = try tlsClient("bob")
        defer { bob.kill() }
        try await alice.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }
        bob.send("hi from bob 😀\n")
        try await alice.waitFor("bob's line") { $0.stdout.contains("bob: hi from bob 😀") }
        alice.closeInput()
        bob.closeInput()
        #expect(try await bob.exitCode() == 0)
        #expect(try await alice.exitCode() == 0)
        try await peer.waitFor("both departures") { $0.events.filter { $0["event"] as? String == "left" }.count == 2 }
        expectNothingOriginalWouldChokeOn(peer)
    }

    @Test func missingCertificateFileIsAUsageError() async throws {
        let p = try Proc.pychat("nocert", ["-s", "--headless", "--ssl", "-P", "0", "--certfile", "/nonexistent/cert.pem"])
        #expect(try await p.exitCode() == 2)
        #expect(p.stderr.hasPrefix("pychat: --ssl:"), "\(p.stderr)")
    }
}
