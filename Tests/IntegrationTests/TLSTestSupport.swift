import ChatIO
import Foundation

/// A fresh directory under the system temporary directory; call `remove()` in a defer.
struct TLSTemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("pychat-tls-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A CA plus server.pem / client.pem / rootCA.pem in a temporary directory,
/// made with the low-level factory so that tests can sign more leaves.
struct TLSFixture {
    let directory: TLSTemporaryDirectory
    let authority: KeyAndCertificate

    init() throws {
        directory = try TLSTemporaryDirectory()
        authority = try CertificateFactory.makeAuthority(commonName: "Test Root CA")
        try CertificateFactory.write(authority.certificatePEM(), to: caFile, mode: 0o644)
        _ = try writeLeaf("server.pem")
        _ = try writeLeaf("client.pem")
    }

    var caFile: String { directory.file("rootCA.pem") }
    var serverFile: String { directory.file("server.pem") }
    var clientFile: String { directory.file("client.pem") }

    /// Writes key + certificate into `name`; signed by our CA unless `issuer` says otherwise.
    func writeLeaf(
        _ name: String,
        altNames: [CertificateFactory.SubjectAltName] = CertificateFactory.standardAltNames,
        validity: CertificateFactory.Validity = .standard,
        issuer: KeyAndCertificate? = nil
    ) throws -> String {
        let leaf = try CertificateFactory.makeLeaf(
            commonName: "localhost", altNames: altNames, issuer: issuer ?? authority, validity: validity)
        let path = directory.file(name)
        try CertificateFactory.write(leaf.combinedPEM(), to: path, mode: 0o600)
        return path
    }

    /// A leaf from an unrelated CA, like the original's tests' `rogue.pem`.
    func writeRogueLeaf(_ name: String) throws -> String {
        let rogue = try CertificateFactory.makeAuthority(commonName: "Rogue CA")
        return try writeLeaf(name, issuer: rogue)
    }

    func serverContext(certFile: String? = nil) throws -> TLSContext {
        try TLSContext.server(certFile: certFile ?? serverFile, caFile: caFile)
    }

    func clientContext(certFile: String? = nil) throws -> TLSContext {
        try TLSContext.client(certFile: certFile ?? clientFile, caFile: caFile)
    }

    func remove() { directory.remove() }
}

/// One side of an in-memory connection: the engine plus what it received and
/// what it has to send.
final class MemoryPeer {
    let engine: TLSEngine
    var received: [UInt8] = []
    var outbox: [UInt8] = []
    var error: TLSError?
    var sawCloseNotify = false

    init(_ engine: TLSEngine) {
        self.engine = engine
    }

    func step() {
        if error == nil && !sawCloseNotify {
            do {
                if try engine.readPlaintext(into: &received) == .closed {
                    sawCloseNotify = true
                }
            } catch {
                self.error = error
            }
        }
        engine.drainCiphertext(into: &outbox)
    }

    func send(_ bytes: [UInt8]) throws {
        try engine.write(plaintext: bytes)
        engine.drainCiphertext(into: &outbox)
    }
}

/// Moves ciphertext both ways until neither side has anything to send.
/// `chunk` limits each delivery, to exercise partial records.
func pumpMemory(_ client: MemoryPeer, _ server: MemoryPeer, chunk: Int = .max) {
    client.step()
    for _ in 0..<100_000 {
        if client.outbox.isEmpty && server.outbox.isEmpty { return }
        for (from, to) in [(client, server), (server, client)] where !from.outbox.isEmpty {
            let count = min(chunk, from.outbox.count)
            to.engine.feed(ciphertext: Array(from.outbox[0..<count]))
            from.outbox.removeFirst(count)
            to.step()
        }
    }
}

/// A client and a server engine over the given contexts, pumped to the end of the handshake.
func connectInMemory(
    client clientContext: TLSContext, server serverContext: TLSContext, serverName: String? = "localhost"
) throws -> (client: MemoryPeer, server: MemoryPeer) {
    let client = MemoryPeer(try TLSEngine(context: clientContext, serverName: serverName))
    let server = MemoryPeer(try TLSEngine(context: serverContext))
    pumpMemory(client, server)
    return (client, server)
}

/// Splits complete frames off the front of `buffer`; returns their JSON bodies.
func takeFrames(_ buffer: inout [UInt8]) -> [String] {
    var bodies: [String] = []
    while buffer.count >= 4 {
        let length = Int(buffer[0]) << 24 | Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
        guard buffer.count >= 4 + length else { break }
        if length >= 1 && buffer[4] == 1 {
            bodies.append(String(decoding: buffer[5..<(4 + length)], as: UTF8.self))
        }
        buffer.removeFirst(4 + length)
    }
    return bodies
}
