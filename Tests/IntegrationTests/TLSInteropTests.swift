import ChatIO
import Foundation
import Testing

private let joinAlice = #"{"username": "alice", "color": "ff8800", "type": "JoinRequest"}"#

/// JSON bodies of the kind-1 frames received so far (consumed from `received`).
private func frames(_ connection: TLSSocketConnection, into list: inout [[String: Any]]) {
    list += takeFrames(&connection.received).compactMap(jsonObject)
}

/// Real sockets on 127.0.0.1 against the original-like Python peers, with
/// certificates made by CertificateFactory.
@Suite
struct TLSInteropTests {
    @Test(arguments: OriginalPeer.testable)
    func ourClientJoinsAnOriginalServer(peer original: OriginalPeer) async throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        try CertificateFactory.writeStandardSet(into: directory.path)
        let peer = try Proc.peer(original, "peer",
            ["server", "--ssl", "--certfile", "server.pem", "--cafile", "rootCA.pem",
             "--port", "0", "-u", "host", "--timeout", "60"],
            directory: directory.path)
        defer { peer.kill() }
        let listening = try await peer.event("listening") { $0["event"] as? String == "listening" }
        #expect(listening["tls"] as? Bool == true)
        let port = try #require(listening["port"] as? Int)

        let context = try TLSContext.client(certFile: directory.file("client.pem"), caFile: directory.file("rootCA.pem"))
        let connection = TLSSocketConnection(
            fd: try connectLoopback(port: UInt16(port)),
            engine: try TLSEngine(context: context, serverName: "127.0.0.1"))
        try connection.write(frame(joinAlice))
        try connection.engine.handshake()
        var received: [[String: Any]] = []
        try connection.run { connection in
            frames(connection, into: &received)
            return received.contains { $0["type"] as? String == "SystemMessage" }
        }
        #expect(connection.error == nil, "\(String(describing: connection.error))")
        #expect(connection.engine.isHandshakeComplete)
        let info = try #require(received.first { $0["type"] as? String == "ServerInfo" }, "\(received)")
        let users = try #require(info["users"] as? [String: [String: Any]])
        let ownUid = try #require(info["uid"] as? String)
        #expect(users[ownUid]?["username"] as? String == "alice")
        #expect(users.values.contains { $0["username"] as? String == "host" })
        #expect(received.contains { $0["text"] as? String == "alice joined the chat" })
        try connection.write(frame(#"{"uid": "\#(ownUid)", "text": "h\u00e9llo \u4e2d \ud83d\ude00", "type": "ChatMessage"}"#))

        connection.shutdown()
        _ = try await peer.event("alice's departure") { $0["event"] as? String == "left" }
        peer.signal(SIGTERM)
        #expect(try await peer.exitCode() == 0, "\(peer.stdout)")
        #expect(peer.events.contains { $0["event"] as? String == "joined" && $0["username"] as? String == "alice" })
        #expect(peer.events.contains { ($0["msg"] as? [String: Any])?["text"] as? String == "héllo 中 😀" }, "\(peer.stdout)")
        #expect(!peer.events.contains { $0["event"] as? String == "error" }, "\(peer.stdout)")
        expectNothingOriginalWouldChokeOn(peer)
    }

    @Test(arguments: OriginalPeer.testable)
    func anOriginalClientJoinsOurServer(peer original: OriginalPeer) async throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        try CertificateFactory.writeStandardSet(into: directory.path)
        let listener = try listenLoopback()
        defer { close(listener.fd) }
        let peer = try Proc.peer(original, "peer",
            ["client", "--ssl", "--certfile", "client.pem", "--cafile", "rootCA.pem",
             "--port", String(listener.port), "-u", "bob", "--timeout", "10"],
            directory: directory.path)
        defer { peer.kill() }

        let context = try TLSContext.server(certFile: directory.file("server.pem"), caFile: directory.file("rootCA.pem"))
        let connection = TLSSocketConnection(
            fd: try acceptWithin(listener.fd, until: .now + tlsTestWaitCap),
            engine: try TLSEngine(context: context))
        var received: [[String: Any]] = []
        try connection.run { connection in
            frames(connection, into: &received)
            return !received.isEmpty
        }
        #expect(connection.error == nil, "\(String(describing: connection.error))")
        let join = try #require(received.first, "\(peer.stdout)")
        #expect(join["type"] as? String == "JoinRequest")
        #expect(join["username"] as? String == "bob")
        let color = join["color"] as? String ?? "000000"

        let uid = UUID().uuidString.lowercased()
        try connection.write(frame(
            #"{"users": {"\#(uid)": {"uid": "\#(uid)", "username": "bob", "color": "\#(color)"}}, "uid": "\#(uid)", "type": "ServerInfo"}"#))
        try connection.write(frame(#"{"text": "bob joined the chat", "type": "SystemMessage"}"#))
        // The peer reaches its goal, lingers, and closes.
        try connection.run { _ in false }
        #expect(connection.sawCloseNotify || connection.sawEndOfStream)

        let status = try await peer.exitCode()
        let messages = peer.events.compactMap { $0["msg"] as? [String: Any] }
        #expect(messages.contains { $0["type"] as? String == "ServerInfo" && $0["uid"] as? String == uid }, "\(peer.stdout)")
        #expect(messages.contains { $0["type"] as? String == "SystemMessage" && $0["text"] as? String == "bob joined the chat" })
        #expect(peer.events.contains { $0["event"] as? String == "done" })
        #expect(status == 0, "\(peer.stdout)")
        expectNothingOriginalWouldChokeOn(peer)
    }

    /// An original-like client with a certificate from another CA, or without TLS at all: our
    /// server names what is wrong, and the client gives up (exit 2).
    @Test(arguments: OriginalPeer.testable, [
        (["--ssl", "--certfile", "rogue.pem", "--cafile", "rootCA.pem"], TLSError.Kind.unknownCA),
        ([], TLSError.Kind.notTLS),
    ])
    func aBadOriginalClientIsRefused(peer original: OriginalPeer, refusal: ([String], TLSError.Kind)) async throws {
        let (tlsArguments, expected) = refusal
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        _ = try fixture.writeRogueLeaf("rogue.pem")
        let listener = try listenLoopback()
        defer { close(listener.fd) }
        let peer = try Proc.peer(original, "peer",
            ["client"] + tlsArguments + ["--port", String(listener.port), "-u", "mallory", "--timeout", "10"],
            directory: fixture.directory.path)
        defer { peer.kill() }
        let connection = TLSSocketConnection(
            fd: try acceptWithin(listener.fd, until: .now + tlsTestWaitCap),
            engine: try TLSEngine(context: fixture.serverContext()))
        try connection.run { _ in false }
        #expect(connection.error?.kind == expected, "\(String(describing: connection.error))")
        connection.closeSocket()
        #expect(try await peer.exitCode() == 2, "\(peer.stdout)")
        expectNothingOriginalWouldChokeOn(peer)
    }

    @Test(arguments: OriginalPeer.testable)
    func ourClientRejectsAnOriginalServerWithARogueCertificate(peer original: OriginalPeer) async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        _ = try fixture.writeRogueLeaf("rogue.pem")
        let peer = try Proc.peer(original, "peer",
            ["server", "--ssl", "--certfile", "rogue.pem", "--cafile", "rootCA.pem",
             "--port", "0", "-u", "host", "--timeout", "60"],
            directory: fixture.directory.path)
        defer { peer.kill() }
        let listening = try await peer.event("listening") { $0["event"] as? String == "listening" }
        let port = try #require(listening["port"] as? Int)
        let connection = TLSSocketConnection(
            fd: try connectLoopback(port: UInt16(port)),
            engine: try TLSEngine(context: fixture.clientContext(), serverName: "localhost"))
        try connection.engine.handshake()
        try connection.run { _ in false }
        #expect(connection.error?.kind == .unknownCA, "\(String(describing: connection.error))")
        connection.closeSocket()
        _ = try await peer.event("the TLS error") { $0["event"] as? String == "error" }
        peer.signal(SIGTERM)
        #expect(try await peer.exitCode() == 0, "\(peer.stdout)")
        #expect(peer.events.contains { $0["event"] as? String == "error" && $0["stage"] as? String == "tls" }, "\(peer.stdout)")
        expectNothingOriginalWouldChokeOn(peer)
    }
}
