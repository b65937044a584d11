import ChatIO
import Foundation
import Testing

/// The TLSError a throwing call produced, or nil if it did not throw one.
private func tlsError(_ body: () throws -> Void) -> TLSError? {
    do {
        try body()
        return nil
    } catch {
        return error as? TLSError
    }
}

@Suite struct TLSContextFailureTests {
    @Test func missingCertificateFile() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let missing = fixture.directory.file("nope.pem")
        let error = tlsError { _ = try TLSContext.server(certFile: missing, caFile: fixture.caFile) }
        #expect(error?.kind == .fileMissing)
        #expect(error?.description.contains(missing) == true)
        let caError = tlsError { _ = try TLSContext.client(certFile: fixture.clientFile, caFile: missing) }
        #expect(caError?.kind == .fileMissing)
        #expect(caError?.description.contains(missing) == true)
    }

    @Test func unreadableCertificateFile() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        // A directory fails to read even for root, unlike a chmod 000 file.
        let error = tlsError { _ = try TLSContext.server(certFile: fixture.directory.path, caFile: fixture.caFile) }
        #expect(error?.kind == .fileUnreadable)
        #expect(error?.description.contains(fixture.directory.path) == true)
    }

    @Test func certificateFileWithoutKey() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        // rootCA.pem holds a certificate only.
        let error = tlsError { _ = try TLSContext.server(certFile: fixture.caFile, caFile: fixture.caFile) }
        #expect(error?.kind == .noPrivateKey)
        #expect(error?.description.contains(fixture.caFile) == true)
    }

    @Test func certificateFileWithoutCertificate() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let keyOnly = fixture.directory.file("key-only.pem")
        try CertificateFactory.write(fixture.authority.privateKeyPEM(), to: keyOnly, mode: 0o600)
        let error = tlsError { _ = try TLSContext.client(certFile: keyOnly, caFile: fixture.caFile) }
        #expect(error?.kind == .noCertificate)
        #expect(error?.description.contains(keyOnly) == true)
    }

    @Test func keyDoesNotMatchCertificate() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let other = try CertificateFactory.makeLeaf(
            commonName: "localhost", altNames: CertificateFactory.standardAltNames, issuer: fixture.authority)
        let mixed = fixture.directory.file("mixed.pem")
        try CertificateFactory.write(
            fixture.authority.privateKeyPEM() + other.certificatePEM(), to: mixed, mode: 0o600)
        let error = tlsError { _ = try TLSContext.server(certFile: mixed, caFile: fixture.caFile) }
        #expect(error?.kind == .keyCertificateMismatch)
        #expect(error?.description.contains(mixed) == true)
    }

    @Test func caFileWithoutCertificate() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let keyOnly = fixture.directory.file("key-only.pem")
        try CertificateFactory.write(fixture.authority.privateKeyPEM(), to: keyOnly, mode: 0o600)
        let error = tlsError { _ = try TLSContext.server(certFile: fixture.serverFile, caFile: keyOnly) }
        #expect(error?.kind == .caFileHasNoCertificate)
        #expect(error?.description.contains(keyOnly) == true)
    }
}

@Suite struct TLSHandshakeFailureTests {
    @Test func clientWithoutCertificateIsRefusedByTheServer() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let (client, server) = try connectInMemory(
            client: TLSContext.clientWithoutCertificate(caFile: fixture.caFile), server: fixture.serverContext())
        #expect(server.error?.kind == .peerCertificateMissing)
        #expect(!server.engine.isHandshakeComplete)
        // TLS 1.3: the client finishes first, then reads the server's alert.
        #expect(client.error?.kind == .alertFromPeer)
        #expect(client.error?.description.contains("certificate required") == true)
    }

    @Test func clientCertificateFromAnotherCA() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let rogue = try fixture.writeRogueLeaf("rogue.pem")
        let (client, server) = try connectInMemory(
            client: fixture.clientContext(certFile: rogue), server: fixture.serverContext())
        #expect(server.error?.kind == .unknownCA)
        #expect(server.error?.description.contains("unable to get local issuer certificate") == true)
        #expect(server.error?.description.contains(fixture.caFile) == true)
        #expect(client.error?.kind == .alertFromPeer)
        #expect(client.error?.description.contains("unknown ca") == true)
    }

    @Test func serverCertificateFromAnotherCA() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let rogue = try fixture.writeRogueLeaf("rogue.pem")
        let (client, server) = try connectInMemory(
            client: fixture.clientContext(), server: fixture.serverContext(certFile: rogue))
        #expect(client.error?.kind == .unknownCA)
        #expect(!client.engine.isHandshakeComplete)
        #expect(server.error?.kind == .alertFromPeer)
    }

    @Test(arguments: ["example.com", "10.1.2.3", "::2", "LOCALHOST.example"])
    func hostnameMismatch(_ dialled: String) throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let (client, server) = try connectInMemory(
            client: fixture.clientContext(), server: fixture.serverContext(), serverName: dialled)
        #expect(client.error?.kind == .hostnameMismatch)
        #expect(client.error?.description.contains(dialled) == true)
        #expect(client.error?.description.contains("DNS:localhost") == true, "\(String(describing: client.error))")
        #expect(server.error != nil)
    }

    @Test func serverCertificateWithOtherNames() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let elsewhere = try fixture.writeLeaf("elsewhere.pem", altNames: [.dns("chat.example.org"), .ip("192.0.2.7")])
        let (client, _) = try connectInMemory(
            client: fixture.clientContext(), server: fixture.serverContext(certFile: elsewhere))
        #expect(client.error?.kind == .hostnameMismatch)
        #expect(client.error?.description.contains("chat.example.org") == true, "\(String(describing: client.error))")
    }

    @Test func expiredServerCertificate() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let expired = try fixture.writeLeaf("expired.pem", validity: .expired)
        let (client, server) = try connectInMemory(
            client: fixture.clientContext(), server: fixture.serverContext(certFile: expired))
        #expect(client.error?.kind == .certificateExpired)
        #expect(client.error?.description.contains("certificate has expired") == true)
        #expect(server.error?.kind == .alertFromPeer)
    }

    @Test func expiredClientCertificate() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let expired = try fixture.writeLeaf("expired.pem", validity: .expired)
        let (_, server) = try connectInMemory(
            client: fixture.clientContext(certFile: expired), server: fixture.serverContext())
        #expect(server.error?.kind == .certificateExpired)
    }

    @Test func notYetValidServerCertificate() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let future = try fixture.writeLeaf("future.pem", validity: .notYetValid)
        let (client, _) = try connectInMemory(
            client: fixture.clientContext(), server: fixture.serverContext(certFile: future))
        #expect(client.error?.kind == .certificateNotYetValid)
    }

    @Test func plaintextPyChatFrameSentToATLSServer() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let server = MemoryPeer(try TLSEngine(context: fixture.serverContext()))
        server.engine.feed(ciphertext: frame(#"{"username": "alice", "color": "ff8800", "type": "JoinRequest"}"#))
        server.step()
        #expect(server.error?.kind == .notTLS)
        #expect(server.error?.description.contains("00 00 00") == true)
        #expect(server.error?.description.contains("PyChat frame") == true)
        // The error sticks: the connection is dead.
        var plaintext: [UInt8] = []
        #expect(throws: TLSError.self) { _ = try server.engine.readPlaintext(into: &plaintext) }
    }

    @Test func truncatedHandshakeIsAnUnexpectedEOF() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let client = MemoryPeer(try TLSEngine(context: fixture.clientContext(), serverName: "localhost"))
        let server = MemoryPeer(try TLSEngine(context: fixture.serverContext()))
        client.step()
        server.engine.feed(ciphertext: Array(client.outbox.prefix(20)))
        server.step()
        #expect(server.error == nil)
        server.engine.feedEndOfStream()
        server.step()
        #expect(server.error?.kind == .unexpectedEOF)
    }

    @Test func malformedClientHelloIsAProtocolError() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let server = MemoryPeer(try TLSEngine(context: fixture.serverContext()))
        // A well-formed handshake record whose message is nonsense.
        server.engine.feed(ciphertext: [0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef])
        server.step()
        #expect(server.error?.kind == .protocolError, "\(String(describing: server.error))")
        #expect(server.error?.description.hasPrefix("TLS handshake failed: ") == true)
        #expect(!server.outbox.isEmpty, "an alert tells the peer why")
    }

    @Test func garbageAfterTheHandshakeIsAProtocolError() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let (_, server) = try connectInMemory(client: fixture.clientContext(), server: fixture.serverContext())
        server.engine.feed(ciphertext: [0x17, 0x03, 0x03, 0x00, 0x20] + [UInt8](repeating: 0xab, count: 32))
        server.step()
        #expect(server.error?.kind == .protocolError)
    }
}

@Suite struct TLSCertificateFactoryTests {
    @Test func standardSetHasTheOriginalsFilesAndModes() throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        let target = directory.file("certs")
        try CertificateFactory.writeStandardSet(into: target)
        let expected: [(String, Int)] = [("rootCA.key", 0o600), ("rootCA.pem", 0o644), ("server.pem", 0o600), ("client.pem", 0o600)]
        for (name, mode) in expected {
            let attributes = try FileManager.default.attributesOfItem(atPath: target + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(name)")
        }
        let server = try String(contentsOfFile: target + "/server.pem", encoding: .utf8)
        let keyStart = try #require(server.range(of: "-----BEGIN PRIVATE KEY-----"))
        let certStart = try #require(server.range(of: "-----BEGIN CERTIFICATE-----"))
        #expect(keyStart.lowerBound < certStart.lowerBound)
        // Either file works in either role, as with the original's client.pem.
        let ca = target + "/rootCA.pem"
        for (clientFile, serverFile) in [("client.pem", "server.pem"), ("server.pem", "client.pem")] {
            let (client, server) = try connectInMemory(
                client: TLSContext.client(certFile: target + "/" + clientFile, caFile: ca),
                server: TLSContext.server(certFile: target + "/" + serverFile, caFile: ca),
                serverName: "0.0.0.0")
            #expect(client.error == nil && server.error == nil)
            #expect(client.engine.isHandshakeComplete && server.engine.isHandshakeComplete)
        }
    }

    @Test func serialNumbersDiffer() throws {
        let first = try CertificateFactory.makeAuthority(commonName: "A").certificatePEM()
        let second = try CertificateFactory.makeAuthority(commonName: "A").certificatePEM()
        #expect(first != second)
    }

    @Test func unwritableDirectoryIsNamed() throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("plain-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        // Under a regular file: fails even for root.
        let target = file + "/certs"
        let error = tlsError { try CertificateFactory.writeStandardSet(into: target) }
        #expect(error?.kind == .fileUnwritable)
        #expect(error?.description.contains(target) == true)
        let intoFile = tlsError { try CertificateFactory.writeStandardSet(into: file) }
        #expect(intoFile?.kind == .fileUnwritable)
        #expect(intoFile?.description.contains(file) == true)
    }
}
