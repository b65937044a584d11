import Foundation
import Testing

/// `--ssl` end to end: certificates from `pychat certs`, a pychat TLS server with a pychat
/// client and an original-like client, and the failures a user must see clearly.
@Suite struct RuntimeTLSTests {
    @Test func tlsSessionWithPychatAndReferenceClients() async throws {
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
        let peer = try Proc.refpeer("bob", ["client", "--host", "127.0.0.1", "--port", String(server.port), "-u", "bob",
                                            "--wait-users", "2", "--send", "hi alice", "--expect-messages", "1",
                                            "--timeout", "20"] + tlsFlags)
        defer { peer.kill() }
        try await server.waitForJoins(2)
        alice.send("hi bob\n")
        #expect(try await peer.exitCode(timeout: 30) == 0, "\(peer.stdout)\(peer.stderr)")
        try await alice.waitFor("bob's message") { $0.stdout.contains("bob: hi alice") }
        let heard = jsonLines(peer.stdout).filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
        #expect(heard.contains { $0["type"] as? String == "ChatMessage" && $0["text"] as? String == "hi bob" })
        alice.closeInput()
        #expect(try await alice.exitCode() == 0, "\(alice.stderr)")

        // A plaintext client is refused during the handshake, with a reason in the server's log.
        let plain = try client("plain", port: server.port)
        defer { plain.kill() }
        plain.closeInput()
        #expect(try await plain.exitCode() == 3)
        try await server.proc.waitFor("plaintext diagnosis") { $0.stderr.contains("not speaking TLS") }

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

    @Test func missingCertificateFileIsAUsageError() async throws {
        let p = try Proc.pychat("nocert", ["-s", "--headless", "--ssl", "-P", "0", "--certfile", "/nonexistent/cert.pem"])
        #expect(try await p.exitCode() == 2)
        #expect(p.stderr.hasPrefix("pychat: --ssl:"), "\(p.stderr)")
    }
}
