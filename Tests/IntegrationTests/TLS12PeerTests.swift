@testable import ChatIO
import ChatState
import Foundation
import Testing

private let openssl = executableInPath("openssl")

/// Whether this OpenSSL still offers TLS 1.1 at all (its build, security level and system
/// policy allowing): `ciphers -s` lists only what those permit.
private let opensslSpeaksTLS11: Bool = {
    guard let openssl else { return false }
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: openssl)
    process.arguments = ["ciphers", "-s", "-tls1_1"]
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    let listed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 && listed.contains(UInt8(ascii: "-"))
}()

/// Our TLS engine accepts TLS 1.2 and 1.3; these peers are the openssl command held to one
/// version, over real sockets on 127.0.0.1, against the built pychat in both roles.
@Suite(.enabled(if: openssl != nil, "the openssl command is not installed (apt-get install -y openssl)"))
struct TLS12PeerTests {
    /// An `openssl s_client -tls1_2` with a client certificate joins a pychat TLS server and is
    /// answered with ServerInfo and the join notice, in whole frames.
    @Test func aTLS12OnlyClientJoinsAPychatServer() async throws {
        let openssl = try #require(openssl)
        let certs = try standardCertificates()
        defer { certs.remove() }
        let server = try await tlsServer(certs)
        defer { server.proc.kill() }

        // -brief: the handshake's summary on stderr, nothing but the peer's bytes on stdout;
        // the session ends (with a close_notify) when its standard input does.
        let peer = try opensslClient(openssl, ["-tls1_2", "-verify_return_error", "-verify_ip", "127.0.0.1", "-brief"],
                                     port: server.port, certs: certs)
        defer { peer.kill() }
        try await peer.waitFor("the handshake") { $0.stderr.contains("CONNECTION ESTABLISHED") }
        #expect(peer.stderr.contains("Protocol version: TLSv1.2"), "\(peer.stderr)")
        #expect(peer.stderr.contains("Verification: OK"), "\(peer.stderr)")

        peer.send(bytes: FrameCodec.frame(.joinRequest(username: "alice", color: "ff8800")))
        try await peer.waitFor("ServerInfo and the join notice") {
            frames(in: $0.stdoutBytes).objects.contains { $0["text"] as? String == "alice joined the chat" }
        }
        try await server.proc.waitFor("the join in the log") { $0.stderr.contains(#"join #1 as "alice" color ff8800"#) }
        peer.closeInput()
        #expect(try await peer.exitCode() == 0, "\(peer.stderr)")

        let (objects, rest) = frames(in: peer.stdoutBytes)
        #expect(rest.isEmpty, "bytes after the last whole frame: \(rest)")
        let info = try #require(objects.first, "no frame in \(peer.stdout)")
        #expect(info["type"] as? String == "ServerInfo", "\(info)")
        let uid = try #require(info["uid"] as? String)
        let users = try #require(info["users"] as? [String: [String: String]], "\(info)")
        #expect(users == [uid: ["uid": uid, "username": "alice", "color": "ff8800"]])
        #expect(objects.dropFirst().first?["type"] as? String == "SystemMessage", "\(objects)")
        try await server.proc.waitFor("alice's leave") { $0.stderr.contains(#"leave #1 "alice""#) }
    }

    /// An `openssl s_client -tls1_2` that asks to renegotiate (its `R` command) is refused, and
    /// the server's log says so, not that there is no protocol version or cipher in common.
    @Test func aRefusedRenegotiationIsLoggedAsSuch() async throws {
        let openssl = try #require(openssl)
        let certs = try standardCertificates()
        defer { certs.remove() }
        let server = try await tlsServer(certs)
        defer { server.proc.kill() }
        let peer = try opensslClient(openssl, ["-tls1_2"], port: server.port, certs: certs)
        defer { peer.kill() }
        try await peer.waitFor("the handshake") { $0.stdout.contains("Verify return code: 0 (ok)") }
        peer.send("R\n")
        try await server.proc.waitFor("the disconnect") { $0.stderr.contains("disconnect #1") }
        #expect(peer.stderr.contains("RENEGOTIATING"), "\(peer.stderr)")
        let line = try #require(server.proc.stderr.split(separator: "\n").first { $0.contains("disconnect #1") })
        #expect(line.contains("the client asked to renegotiate the TLS 1.2 session, which pychat refuses"), "\(line)")
        #expect(!line.contains("in common"), "\(line)")
    }

    /// A pychat client with its certificate on an `openssl s_server -tls1_2` that demands one:
    /// the JoinRequest arrives byte for byte as the original writes it, and the server's
    /// frames reach the client's screen.
    @Test func aPychatClientJoinsATLS12OnlyServer() async throws {
        let openssl = try #require(openssl)
        let certs = try standardCertificates()
        defer { certs.remove() }
        let (peer, port) = try await opensslServer(openssl, ["-tls1_2"], certs: certs)
        defer { peer.kill() }

        let alice = try pychatClient(port: port, certs: certs)
        defer { alice.kill() }
        let join = frame(#"{"username": "alice", "color": "000000", "type": "JoinRequest"}"#)
        try await peer.waitFor("alice's JoinRequest") { $0.stdoutBytes.containsRun(join) }
        // -Verify 1 with -verify_return_error: the handshake completed only with a certificate
        // that chains to the CA.
        #expect(peer.stdout.contains("Client certificate") && peer.stdout.contains("subject=O = PyChat, CN = localhost"),
                "\(peer.stdout)")
        #expect(peer.stderr.contains("depth=0 O = PyChat, CN = localhost\nverify return:1"), "\(peer.stderr)")
        #expect(peer.stdout.contains("CIPHER is ECDHE-"), "\(peer.stdout)")
        #expect(try await sessionProtocol(in: peer.stdout, openssl: openssl) == "TLSv1.2")

        // The other way: what the s_server's standard input carries reaches alice.
        let host = "00000000-0000-4000-8000-000000000001", me = "00000000-0000-4000-8000-000000000002"
        peer.send(bytes: frame(#"""
            {"users": {"\#(host)": {"uid": "\#(host)", "username": "host", "color": "000000"}, \#
            "\#(me)": {"uid": "\#(me)", "username": "alice", "color": "000000"}}, "uid": "\#(me)", "type": "ServerInfo"}
            """#) + frame(#"{"uid": "\#(host)", "text": "hello over TLS 1.2", "type": "ChatMessage"}"#))
        try await alice.waitFor("the host's line") { $0.stdout.contains("host: hello over TLS 1.2") }
        alice.send("hi back\n")
        try await peer.waitFor("alice's line") { $0.stdout.contains(#""text": "hi back", "type": "ChatMessage"}"#) }
        alice.closeInput()
        #expect(try await alice.exitCode() == 0, "\(alice.stderr)")
    }

    /// A TLS 1.3 client waits for the server's sign that it accepted our certificate (a session
    /// ticket, or data); a server that sends no tickets gives none, and the client goes on
    /// `RuntimeOptions.tlsVerdictMillis` after its handshake rather than waiting forever. The
    /// client is the real `Runtime` in process on a `ManualClock` (see `InProcessRuntime`), so
    /// the test moves time past the verdict's deadline instead of waiting for it.
    @Test func aPychatClientJoinsATLS13ServerThatSendsNoTickets() async throws {
        let openssl = try #require(openssl)
        let certs = try standardCertificates()
        defer { certs.remove() }
        let (peer, port) = try await opensslServer(openssl, ["-tls1_3", "-num_tickets", "0"], certs: certs)
        defer { peer.kill() }
        let join = FrameCodec.frame(.joinRequest(username: "alice", color: "000000"))
        let failure = try await onOwnThread { () throws -> String? in
            var options = RuntimeOptions()
            options.tls = try TLSContext.client(certFile: certs.file("client.pem"), caFile: certs.file("rootCA.pem"))
            let alice = try InProcessRuntime(config: AppConfig(role: .client, host: "127.0.0.1", port: port, username: "alice"),
                                             options: options)
            defer { _ = alice.stop() }
            let runtime = alice.runtime
            func announced() -> Bool { runtime.connections.all.first?.gate.announced == true }
            // The handshake is done when the verdict's timer is armed (the clock stands still
            // meanwhile, so the verdict is due a verdict's wait from now).
            guard alice.turn(until: { runtime.nextDeadline() != nil || announced() }) else { return "the handshake never ended" }
            if announced() { return "connected before the server's verdict" }
            alice.clock.advance(millis: RuntimeOptions.tlsVerdictMillis - 1)
            _ = alice.turn(until: { announced() }, maxTurns: 5)
            if announced() { return "connected before the verdict's deadline" }
            alice.clock.advance(millis: 1)
            guard alice.turn(until: { announced() }) else { return "never connected once the verdict's deadline passed" }
            // Connected: the JoinRequest goes out, and reaches the server.
            return alice.turn(until: { peer.stdoutBytes.containsRun(join) }) ? nil : "no JoinRequest reached the server"
        }
        #expect(failure == nil)
        #expect(try await sessionProtocol(in: peer.stdout, openssl: openssl) == "TLSv1.3")
    }

    /// A TLS 1.1 peer is refused in both roles, each side saying why in one line.
    @Test(.enabled(if: opensslSpeaksTLS11, "this OpenSSL no longer offers TLS 1.1"))
    func aTLS11OnlyPeerIsRefused() async throws {
        let openssl = try #require(openssl)
        let certs = try standardCertificates()
        defer { certs.remove() }

        // pychat as the server: it answers the TLS 1.1 ClientHello with a protocol_version alert.
        let server = try await tlsServer(certs)
        defer { server.proc.kill() }
        let client = try opensslClient(openssl, ["-tls1_1", "-verify_return_error", "-brief"], port: server.port, certs: certs)
        defer { client.kill() }
        #expect(try await client.exitCode() == 1)
        #expect(client.stderr.contains("alert protocol version"), "\(client.stderr)")
        try await server.proc.waitFor("the refusal") { $0.stderr.contains("disconnect #1 before joining: TLS") }
        let refusal = server.proc.stderr.split(separator: "\n").filter { $0.contains("disconnect #1 ") }
        #expect(refusal.count == 1 && refusal[0].hasSuffix("TLS handshake failed: the client offers only protocol versions older than TLS 1.2 (pychat needs 1.2 or 1.3)"), "\(refusal)")

        // pychat as the client: exit 1 and one line naming the protocol version.
        let (peer, port) = try await opensslServer(openssl, ["-tls1_1"], certs: certs)
        defer { peer.kill() }
        let alice = try pychatClient(port: port, certs: certs)
        defer { alice.kill() }
        #expect(try await alice.exitCode() == 1)
        let lines = alice.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("pychat: cannot connect to 127.0.0.1:\(port): TLS: TLS handshake failed: ")
                    && lines[0].contains("alert protocol version") && lines[0].hasSuffix("no protocol version or cipher in common"),
                "\(alice.stderr)")
        #expect(try await peer.exitCode() == 0, "\(peer.stderr)")
        #expect(peer.stderr.contains("unsupported protocol"), "\(peer.stderr)")
    }
}

/// A fresh directory with `pychat certs`' standard set: rootCA.pem, server.pem, client.pem.
private func standardCertificates() throws -> TLSTemporaryDirectory {
    let certs = try TLSTemporaryDirectory()
    try CertificateFactory.writeStandardSet(into: certs.path)
    return certs
}

/// A headless pychat TLS server with the standard certificates.
private func tlsServer(_ certs: TLSTemporaryDirectory) async throws -> Server {
    try await Server.start(["--ssl", "--certfile", certs.file("server.pem"), "--cafile", certs.file("rootCA.pem")])
}

/// An `openssl s_server` demanding a client certificate, for one connection, and its port: it
/// listens on port 0 and says which one it got, so there is no race for a free port.
private func opensslServer(_ openssl: String, _ options: [String], certs: TLSTemporaryDirectory) async throws -> (Proc, Int) {
    let server = try Proc("s_server", openssl, ["s_server"] + options + [
        "-accept", "127.0.0.1:0", "-naccept", "1",
        "-cert", certs.file("server.pem"), "-key", certs.file("server.pem"), "-CAfile", certs.file("rootCA.pem"),
        "-Verify", "1", "-verify_return_error",
    ])
    do {
        return (server, try await acceptPort(of: server))
    } catch {
        server.kill()
        throw error
    }
}

/// An `openssl s_client` with the standard client certificate.
private func opensslClient(_ openssl: String, _ options: [String], port: Int, certs: TLSTemporaryDirectory) throws -> Proc {
    try Proc("s_client", openssl, ["s_client", "-connect", "127.0.0.1:\(port)",
        "-cert", certs.file("client.pem"), "-key", certs.file("client.pem"), "-CAfile", certs.file("rootCA.pem"),
    ] + options)
}

/// A headless pychat client, alice, with the standard client certificate.
private func pychatClient(port: Int, certs: TLSTemporaryDirectory) throws -> Proc {
    try Proc.pychat("alice", ["--headless", "-H", "127.0.0.1", "-P", String(port), "-u", "alice", "--ssl",
                              "--certfile", certs.file("client.pem"), "--cafile", certs.file("rootCA.pem")])
}

/// The port an `openssl s_server -accept 127.0.0.1:0` reports once it listens.
private func acceptPort(of server: Proc) async throws -> Int {
    try await server.waitFor("the ACCEPT line") { $0.stdoutLines.contains { $0.hasPrefix("ACCEPT ") } }
    let line = try #require(server.stdoutLines.first { $0.hasPrefix("ACCEPT ") })
    return try #require(line.split(separator: ":").last.flatMap { Int($0) }, "\(line)")
}

/// The protocol of the session whose "SSL SESSION PARAMETERS" PEM s_server printed, as
/// `openssl sess_id -text` reads it.
private func sessionProtocol(in output: String, openssl: String) async throws -> String? {
    let begin = try #require(output.range(of: "-----BEGIN SSL SESSION PARAMETERS-----"), "\(output)")
    let end = try #require(output.range(of: "-----END SSL SESSION PARAMETERS-----", range: begin.upperBound..<output.endIndex))
    let decoder = try Proc("sess_id", openssl, ["sess_id", "-noout", "-text"])
    defer { decoder.kill() }
    decoder.send(String(output[begin.lowerBound..<end.upperBound]) + "\n")
    decoder.closeInput()
    #expect(try await decoder.exitCode() == 0, "\(decoder.stderr)")
    let line = decoder.stdoutLines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Protocol  :") }
    return line?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces)
}

/// The JSON objects of the whole kind-1 frames at the start of `bytes`, and what follows them
/// (an incomplete frame, or bytes that are not one).
private func frames(in bytes: [UInt8]) -> (objects: [[String: Any]], rest: ArraySlice<UInt8>) {
    var objects: [[String: Any]] = []
    var rest = bytes[...]
    while rest.count >= 5 {
        let start = rest.startIndex
        let length = rest[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
        guard length >= 1, rest[start + 4] == 1, rest.count >= 4 + length,
              let object = try? JSONSerialization.jsonObject(with: Data(rest[start + 5..<start + 4 + length])) as? [String: Any]
        else { break }
        objects.append(object)
        rest = rest[(start + 4 + length)...]
    }
    return (objects, rest)
}

private extension Array where Element == UInt8 {
    func containsRun(_ part: [UInt8]) -> Bool {
        guard !part.isEmpty, part.count <= count else { return part.isEmpty }
        return (0...(count - part.count)).contains { self[$0..<$0 + part.count].elementsEqual(part) }
    }
}
