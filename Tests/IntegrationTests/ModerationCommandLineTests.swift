import Foundation
import Glibc
import Testing

/// Identity and moderation with the real binary (issue #14): real TLS with a certificate per
/// client, a real SQLite file kept across a restart, and an original-like client kicked.
@Suite struct ModerationCommandLineTests {
    /// A server whose host user reads its lines from standard input (TERM=dumb: line mode), so
    /// a test types the host's commands.
    static func hostedServer(_ extra: [String]) async throws -> Server {
        let p = try Proc("server", "/usr/bin/env", ["TERM=dumb", Binary.pychat, "--serve", "-H", "127.0.0.1", "-P", "0",
                                                    "--rate", "0", "-u", "host"] + extra)
        try await p.waitFor("listening line") { $0.stderr.contains("listening on ") }
        let line = p.stderr.split(separator: "\n").first { $0.contains("listening on ") }!
        return Server(proc: p, port: Int(line.split(separator: ":").last!)!)
    }

    /// Reconnecting, as by default: a session that is kicked or turned away as banned must end
    /// all the same (the server's `Removed`), with exit code 4.
    static func tlsClient(_ name: String, as username: String? = nil, port: Int, _ fixture: TLSFixture, cert: String) throws -> Proc {
        try Proc.pychat(name, ["--headless", "-H", "127.0.0.1", "-P", String(port), "-u", username ?? name, "--ssl",
                               "--certfile", cert, "--cafile", fixture.caFile])
    }

    /// The fingerprint as `openssl x509 -fingerprint -sha256` prints it (`AB:CD:...`): a check
    /// of ours that does not use ours.
    static func opensslFingerprint(_ pem: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "x509", "-in", pem, "-noout", "-fingerprint", "-sha256"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(text.split(separator: "=").last!.filter { !$0.isWhitespace })
    }

    /// The first 16 hex digits, as `/who` shows them.
    static func shortFingerprint(_ pem: String) throws -> String {
        String(try opensslFingerprint(pem).filter(\.isHexDigit).lowercased().prefix(16))
    }

    @Test func aHeadlessServersOpByCertificateKicks() async throws {
        let certificates = try Certificates("alice", "bob")
        defer { certificates.remove() }
        let fixture = certificates.fixture
        let server = try await Server.start(certificates.flags + ["--op", try Self.opensslFingerprint(certificates.first)])
        defer { server.proc.kill() }
        let alice = try Self.tlsClient("alice", port: server.port, fixture, cert: certificates.first)
        defer { alice.kill() }
        let bob = try Self.tlsClient("bob", port: server.port, fixture, cert: certificates.second)
        defer { bob.kill() }
        try await server.waitForJoins(2)
        bob.send("/kick alice\n")
        try await bob.waitFor("the refusal") { $0.stdout.contains("* /kick is for ops.") }
        alice.send("/kick bob enough\n")
        try await bob.waitFor("the kick") { $0.stdout.contains("* alice kicked bob: enough") }
        #expect(try await bob.exitCode() == 4, "\(bob.stdout) \(bob.stderr)")
        #expect(bob.stdout.hasSuffix("* kicked by alice: enough\n"), "\(bob.stdout)")
        alice.closeInput()
        #expect(try await alice.exitCode() == 0)
    }

    /// A CA with two client certificates, a data folder, and a TLS server's flags over them.
    struct Certificates {
        let fixture: TLSFixture
        let first: String, second: String
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-moderation-\(UUID().uuidString)").path
        var flags: [String] { ["--ssl", "--certfile", fixture.serverFile, "--cafile", fixture.caFile, "--data", data] }

        init(_ first: String, _ second: String) throws {
            fixture = try TLSFixture()
            self.first = try fixture.writeLeaf(first + ".pem")
            self.second = try fixture.writeLeaf(second + ".pem")
        }

        func remove() {
            fixture.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    @Test func aNameHeldByOneCertificateIsAnothersOnlyWithASuffixAlsoAfterARestart() async throws {
        let certificates = try Certificates("alice", "mallory")
        defer { certificates.remove() }
        let (fixture, aliceCert, malloryCert, flags) = (certificates.fixture, certificates.first, certificates.second, certificates.flags)

        let first = try await Server.start(flags)
        let alice = try Self.tlsClient("alice", port: first.port, fixture, cert: aliceCert)
        defer { alice.kill() }
        try await first.waitForJoins(1)
        alice.closeInput()
        #expect(try await alice.exitCode() == 0)
        // alice has gone; mallory, with another certificate, asks for her name.
        let mallory = try Self.tlsClient("mallory", as: "alice", port: first.port, fixture, cert: malloryCert)
        defer { mallory.kill() }
        try await mallory.waitFor("the notice") { $0.stdout.contains("* alice belongs to another certificate: you are alice2 here.") }
        mallory.send("/who\n/msg alice see you later\n")
        let short = try Self.shortFingerprint(malloryCert)
        try await mallory.waitFor("who") { $0.stdout.contains("*   alice2 [\(short)] idle ") }
        try await mallory.waitFor("the message kept") { $0.stdout.contains("* alice is not here: your message is kept for when they next join.") }
        mallory.closeInput()
        _ = try await mallory.exitCode()
        first.proc.signal(SIGTERM)
        _ = try await first.proc.exitCode()

        // The database remembers: after a restart the name is still alice's certificate's.
        let second = try await Server.start(flags)
        defer { second.proc.kill() }
        let again = try Self.tlsClient("mallory2", as: "alice", port: second.port, fixture, cert: malloryCert)
        defer { again.kill() }
        try await again.waitFor("the notice") { $0.stdout.contains("* alice belongs to another certificate: you are alice2 here.") }
        let back = try Self.tlsClient("alice-back", as: "alice", port: second.port, fixture, cert: aliceCert)
        defer { back.kill() }
        try await again.waitFor("alice's own join") { $0.stdout.contains("* alice joined the chat") }
        #expect(!back.stdout.contains("belongs to another certificate"), "\(back.stdout)")
        // What mallory said to her while she was away, kept across the restart.
        try await back.waitFor("the kept message") { $0.stdout.contains("alice2: [private] [") && $0.stdout.contains("] see you later") }
        back.closeInput()
        again.closeInput()
        #expect(try await back.exitCode() == 0)
        #expect(try await again.exitCode() == 0)
    }

    @Test func aBanOfACertificateSurvivesARestart() async throws {
        let certificates = try Certificates("alice", "bob")
        defer { certificates.remove() }
        let (fixture, aliceCert, bobCert, flags) = (certificates.fixture, certificates.first, certificates.second, certificates.flags)
        let short = try Self.shortFingerprint(aliceCert)

        let first = try await Self.hostedServer(flags)
        defer { first.proc.kill() }
        let alice = try Self.tlsClient("alice", port: first.port, fixture, cert: aliceCert)
        defer { alice.kill() }
        try await first.waitForJoins(1)
        first.proc.send("/ban alice 1h being rude\n")
        try await alice.waitFor("the ban") { $0.stdout.contains("* host banned alice for 1h (certificate \(short)): being rude") }
        #expect(try await alice.exitCode() == 4, "\(alice.stdout) \(alice.stderr)")
        #expect(alice.stdout.contains("* banned by host until "), "\(alice.stdout)")
        #expect(first.proc.stderr.contains("moderation: \"host banned alice for 1h (certificate \(short)): being rude\""))
        first.proc.send("/quit\n")
        #expect(try await first.proc.exitCode() == 0)

        let second = try await Self.hostedServer(flags)
        defer { second.proc.kill() }
        let again = try Self.tlsClient("alice-again", as: "alice", port: second.port, fixture, cert: aliceCert)
        defer { again.kill() }
        try await again.waitFor("the refusal") {
            $0.stdout.contains("* Connection refused: you are banned from this server by host for ") && $0.stdout.contains(" more: being rude")
        }
        // Told so in a way that stops it: it does not dial again and again.
        #expect(try await again.exitCode() == 4, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("* banned by host until ") && again.stdout.hasSuffix(": being rude\n"), "\(again.stdout)")
        #expect(!second.proc.stderr.contains("as \"alice\""), "\(second.proc.stderr)")
        // Another certificate from the same address is welcome: the ban is alice's certificate's.
        let bob = try Self.tlsClient("bob", port: second.port, fixture, cert: bobCert)
        defer { bob.kill() }
        try await second.waitForJoins(1)
        second.proc.send("/bans\n")
        try await second.proc.waitFor("the list") { $0.stdout.contains("  alice (certificate \(short)) by host for ") }
        bob.closeInput()
        #expect(try await bob.exitCode() == 0)
    }

    @Test(arguments: OriginalPeer.testable)
    func aKickedOriginalClientReadsWhyThenItsConnectionCloses(peer: OriginalPeer) async throws {
        try peer.requireAvailable()
        let server = try await Self.hostedServer(["--ephemeral"])
        defer { server.proc.kill() }
        let alice = try Proc.peer(peer, "alice", ["client", "--host", "127.0.0.1", "--port", String(server.port), "-u", "alice",
                                                  "-c", "ff8800", "--expect-messages", "1000", "--timeout", "30"])
        defer { alice.kill() }
        try await server.waitForJoins(1)
        server.proc.send("/kick alice enough\n")
        _ = try await alice.event("the close") { $0["event"] as? String == "closed" }
        expectNothingOriginalWouldChokeOn(alice)
        let messages = jsonLines(alice.stdout).filter { $0["kind"] as? Int == 1 }.compactMap { $0["msg"] as? [String: Any] }
        #expect((messages.last?["text"] as? String) == "host kicked alice: enough", "\(messages)")
        #expect(messages.allSatisfy { ["ServerInfo", "SystemMessage", "ChatMessage"].contains($0["type"] as? String ?? "") })
        try await server.proc.waitFor("the leave") { $0.stderr.contains("\"alice\": kicked by host") }
        // A kick is not a ban: she may come back.
        let back = try Proc.peer(peer, "alice-back", ["client", "--host", "127.0.0.1", "--port", String(server.port), "-u", "alice",
                                                      "-c", "ff8800", "--wait-users", "2", "--timeout", "30"])
        defer { back.kill() }
        #expect(try await back.exitCode(timeout: 40) == 0, "\(back.stdout)")
        expectNothingOriginalWouldChokeOn(back)
    }
}
