import ChatIO
import Foundation
import Testing

private let joinAlice = #"{"username": "alice", "color": "ff8800", "type": "JoinRequest"}"#

/// JSON bodies of the kind-1 frames received so far (consumed from `received`).
private func frames(_ connection: TLSSocketConnection, into list: inout [[String: Any]]) {
    list += takeFrames(&connection.received).compactMap(jsonObject)
}

/// Real sockets on 127.0.0.1 against the Python reference peer, with
/// certificates made by CertificateFactory.
@Suite
struct TLSInteropTests {
    @Test func ourClientJoinsTheReferenceServer() throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        try CertificateFactory.writeStandardSet(into: directory.path)
        let peer = try TLSChildProcess.referencePeer(
            ["server", "--ssl", "--certfile", "server.pem", "--cafile", "rootCA.pem",
             "--port", "0", "-u", "host", "--timeout", "60"],
            directory: directory.path)
        let listening = try #require(peer.nextEvent { $0["event"] as? String == "listening" }, "\(peer.lines)")
        #expect(listening["tls"] as? Bool == true)
        let port = try #require(listening["port"] as? Int)

        let context = try TLSContext.client(certFile: directory.file("client.pem"), caFile: directory.file("rootCA.pem"))
        let connection = TLSSocketConnection(
            fd: try connectLoopback(port: UInt16(port)),
            engine: try TLSEngine(context: context, serverName: "127.0.0.1"))
        try connection.write(pychatFrame(joinAlice))
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

        connection.shutdown()
        #expect(peer.stop() == 0, "\(peer.lines)")
        #expect(peer.events.contains { $0["event"] as? String == "joined" && $0["username"] as? String == "alice" })
        #expect(!peer.events.contains { $0["event"] as? String == "error" }, "\(peer.lines)")
    }

    @Test func referenceClientJoinsOurServer() throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        try CertificateFactory.writeStandardSet(into: directory.path)
        let listener = try listenLoopback()
        defer { close(listener.fd) }
        let peer = try TLSChildProcess.referencePeer(
            ["client", "--ssl", "--certfile", "client.pem", "--cafile", "rootCA.pem",
             "--port", String(listener.port), "-u", "bob", "--timeout", "10"],
            directory: directory.path)

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
        let join = try #require(received.first, "\(peer.lines)")
        #expect(join["type"] as? String == "JoinRequest")
        #expect(join["username"] as? String == "bob")
        let color = join["color"] as? String ?? "000000"

        let uid = UUID().uuidString.lowercased()
        try connection.write(pychatFrame(
            #"{"users": {"\#(uid)": {"uid": "\#(uid)", "username": "bob", "color": "\#(color)"}}, "uid": "\#(uid)", "type": "ServerInfo"}"#))
        try connection.write(pychatFrame(#"{"text": "bob joined the chat", "type": "SystemMessage"}"#))
        // The peer reaches its goal, lingers, and closes.
        try connection.run { _ in false }
        #expect(connection.sawCloseNotify || connection.sawEndOfStream)

        let status = peer.finish()
        let messages = peer.events.compactMap { $0["msg"] as? [String: Any] }
        #expect(messages.contains { $0["type"] as? String == "ServerInfo" && $0["uid"] as? String == uid }, "\(peer.lines)")
        #expect(messages.contains { $0["type"] as? String == "SystemMessage" && $0["text"] as? String == "bob joined the chat" })
        #expect(peer.events.contains { $0["event"] as? String == "done" })
        #expect(status == 0, "\(peer.lines)")
    }

    @Test func referenceClientWithARogueCertificateIsRefused() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        _ = try fixture.writeRogueLeaf("rogue.pem")
        let listener = try listenLoopback()
        defer { close(listener.fd) }
        let peer = try TLSChildProcess.referencePeer(
            ["client", "--ssl", "--certfile", "rogue.pem", "--cafile", "rootCA.pem",
             "--port", String(listener.port), "-u", "mallory", "--timeout", "10"],
            directory: fixture.directory.path)
        let connection = TLSSocketConnection(
            fd: try acceptWithin(listener.fd, until: .now + tlsTestWaitCap),
            engine: try TLSEngine(context: fixture.serverContext()))
        try connection.run { _ in false }
        #expect(connection.error?.kind == .unknownCA, "\(String(describing: connection.error))")
        connection.closeSocket()
        #expect(peer.finish() == 2, "\(peer.lines)")
    }

    @Test func referenceClientWithoutTLSIsNamedAsPlaintext() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let listener = try listenLoopback()
        defer { close(listener.fd) }
        let peer = try TLSChildProcess.referencePeer(
            ["client", "--port", String(listener.port), "-u", "plain", "--timeout", "10"],
            directory: fixture.directory.path)
        let connection = TLSSocketConnection(
            fd: try acceptWithin(listener.fd, until: .now + tlsTestWaitCap),
            engine: try TLSEngine(context: fixture.serverContext()))
        try connection.run { _ in false }
        #expect(connection.error?.kind == .notTLS, "\(String(describing: connection.error))")
        connection.closeSocket()
        #expect(peer.finish() == 2, "\(peer.lines)")
    }

    @Test func ourClientRejectsTheReferenceServerWithARogueCertificate() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        _ = try fixture.writeRogueLeaf("rogue.pem")
        let peer = try TLSChildProcess.referencePeer(
            ["server", "--ssl", "--certfile", "rogue.pem", "--cafile", "rootCA.pem",
             "--port", "0", "-u", "host", "--timeout", "60"],
            directory: fixture.directory.path)
        let listening = try #require(peer.nextEvent { $0["event"] as? String == "listening" }, "\(peer.lines)")
        let port = try #require(listening["port"] as? Int)
        let connection = TLSSocketConnection(
            fd: try connectLoopback(port: UInt16(port)),
            engine: try TLSEngine(context: fixture.clientContext(), serverName: "localhost"))
        try connection.engine.handshake()
        try connection.run { _ in false }
        #expect(connection.error?.kind == .unknownCA, "\(String(describing: connection.error))")
        connection.closeSocket()
        _ = peer.nextEvent { $0["event"] as? String == "error" }
        #expect(peer.stop() == 0, "\(peer.lines)")
        #expect(peer.events.contains { $0["event"] as? String == "error" && $0["stage"] as? String == "tls" }, "\(peer.lines)")
    }
}
