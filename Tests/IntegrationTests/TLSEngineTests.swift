import ChatIO
import Testing

@Suite struct TLSEngineTests {
    @Test func handshakeThenPlaintextBothWaysThenCloseNotify() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let (client, server) = try connectInMemory(client: fixture.clientContext(), server: fixture.serverContext())
        #expect(client.error == nil)
        #expect(server.error == nil)
        #expect(client.engine.isHandshakeComplete)
        #expect(server.engine.isHandshakeComplete)
        #expect(client.engine.protocolVersion == "TLSv1.3")

        let join = frame(#"{"username": "alice", "color": "ff8800", "type": "JoinRequest"}"#)
        try client.send(join)
        pumpMemory(client, server)
        #expect(server.received == join)

        let reply = frame(#"{"text": "alice joined the chat", "type": "SystemMessage"}"#)
        try server.send(reply)
        pumpMemory(client, server)
        #expect(client.received == reply)

        client.engine.shutdown()
        client.step()
        pumpMemory(client, server)
        #expect(server.sawCloseNotify)
        #expect(server.error == nil)
        #expect(!client.sawCloseNotify)
        var more: [UInt8] = []
        #expect(try server.engine.readPlaintext(into: &more) == .closed)
        #expect(server.engine.peerClosed)
        #expect(throws: TLSError.self) { try client.engine.write(plaintext: [1, 2, 3]) }
    }

    /// TLS 1.3: the client's handshake ends a flight before the server has checked the client's
    /// certificate. The verdict is the server's next flight: session tickets, or an alert.
    @Test(arguments: [true, false])
    func aTLS13ClientLearnsItWasAcceptedFromTheServersNextFlight(accepted: Bool) throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let certificate = accepted ? fixture.clientFile : try fixture.writeRogueLeaf("rogue.pem")
        let client = MemoryPeer(try TLSEngine(context: fixture.clientContext(certFile: certificate), serverName: "localhost"))
        let server = MemoryPeer(try TLSEngine(context: fixture.serverContext()))
        func deliver(_ from: MemoryPeer, _ to: MemoryPeer) {
            to.engine.feed(ciphertext: from.outbox)
            from.outbox = []
            to.step()
        }
        client.step()              // ClientHello
        deliver(client, server)    // ServerHello ... server Finished
        deliver(server, client)    // the client is done: its certificate and Finished go out
        #expect(client.engine.isHandshakeComplete && client.error == nil)
        #expect(!client.engine.peerAcceptedUs)
        deliver(client, server)    // the server checks the certificate
        #expect(server.engine.peerAcceptedUs == accepted)
        deliver(server, client)    // session tickets, or an alert
        #expect(client.engine.peerAcceptedUs == accepted)
        #expect(client.error?.kind == (accepted ? nil : .alertFromPeer))
        #expect(client.received.isEmpty)
    }

    @Test func largePayloadInManyRecordsAndSmallDeliveries() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let (client, server) = try connectInMemory(client: fixture.clientContext(), server: fixture.serverContext())
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        var offset = 0
        while offset < payload.count {
            let end = min(payload.count, offset + 7_001)
            try client.send(Array(payload[offset..<end]))
            offset = end
        }
        #expect(client.outbox.count > payload.count)
        // Deliveries smaller than a record, and not aligned with record boundaries.
        pumpMemory(client, server, chunk: 1_371)
        #expect(server.error == nil)
        #expect(server.received.count == payload.count)
        #expect(server.received == payload)

        try server.send(payload.reversed())
        pumpMemory(client, server, chunk: 65_536)
        #expect(client.received == payload.reversed())
    }

    @Test func writesBeforeTheHandshakeAreSentWhenItCompletes() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let client = MemoryPeer(try TLSEngine(context: fixture.clientContext(), serverName: "127.0.0.1"))
        let server = MemoryPeer(try TLSEngine(context: fixture.serverContext()))
        // The original client sends JoinRequest right after connecting.
        try client.send(Array("early".utf8))
        try client.engine.handshake()
        client.engine.drainCiphertext(into: &client.outbox)
        #expect(!client.outbox.isEmpty)
        #expect(!client.engine.isHandshakeComplete)
        pumpMemory(client, server)
        #expect(client.error == nil)
        #expect(server.error == nil)
        #expect(server.received == Array("early".utf8))
    }

    @Test func shutdownBeforeTheHandshakeSendsPendingDataThenCloseNotify() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let client = MemoryPeer(try TLSEngine(context: fixture.clientContext(), serverName: "localhost"))
        let server = MemoryPeer(try TLSEngine(context: fixture.serverContext()))
        try client.send(Array("last words".utf8))
        client.engine.shutdown()
        #expect(throws: TLSError.self) { try client.engine.write(plaintext: [1]) }
        pumpMemory(client, server)
        #expect(server.error == nil)
        #expect(server.received == Array("last words".utf8))
        #expect(server.sawCloseNotify)
    }

    @Test(arguments: ["localhost", "127.0.0.1", "::1", "[::1]"])
    func clientAcceptsEveryStandardName(_ name: String) throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let (client, server) = try connectInMemory(
            client: fixture.clientContext(), server: fixture.serverContext(), serverName: name)
        #expect(client.error == nil)
        #expect(server.error == nil)
        #expect(client.engine.isHandshakeComplete && server.engine.isHandshakeComplete)
    }

    @Test func rsaCertificatesWorkToo() throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        try CertificateFactory.writeStandardSet(into: directory.path, keyType: .rsa2048)
        let ca = directory.file("rootCA.pem")
        let (client, server) = try connectInMemory(
            client: TLSContext.client(certFile: directory.file("client.pem"), caFile: ca),
            server: TLSContext.server(certFile: directory.file("server.pem"), caFile: ca))
        #expect(client.error == nil)
        #expect(server.error == nil)
        #expect(client.engine.isHandshakeComplete && server.engine.isHandshakeComplete)
    }

    @Test func aFailedConnectionLeavesNothingBehindForTheNext() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let rogue = try fixture.writeRogueLeaf("rogue.pem")
        let bad = try connectInMemory(client: fixture.clientContext(certFile: rogue), server: fixture.serverContext())
        #expect(bad.server.error?.kind == .unknownCA)
        // Same thread, same OpenSSL error queue: the next connection must be clean.
        let good = try connectInMemory(client: fixture.clientContext(), server: fixture.serverContext())
        #expect(good.client.error == nil)
        #expect(good.server.error == nil)
        try good.client.send(Array("hi".utf8))
        pumpMemory(good.client, good.server)
        #expect(good.server.received == Array("hi".utf8))
    }
}
