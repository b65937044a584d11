/// TLS as a transport layer: the memory-BIO engine between the socket and the core.
final class TLSTransport: TransportLayer {
    private let engine: TLSEngine
    private(set) var peerClosed = false

    init(engine: TLSEngine) {
        self.engine = engine
    }

    /// A client speaks first: this queues its ClientHello.
    func start() throws(TransportError) {
        do {
            try engine.handshake()
        } catch {
            throw TransportError(description: "TLS: \(error.description)")
        }
    }

    func receive(_ bytes: UnsafeRawBufferPointer) throws(TransportError) -> [UInt8] {
        engine.feed(ciphertext: bytes)
        var plaintext: [UInt8] = []
        do {
            if try engine.readPlaintext(into: &plaintext) == .closed { peerClosed = true }
        } catch {
            throw TransportError(description: "TLS: \(error.description)")
        }
        return plaintext
    }

    func send(_ plaintext: [UInt8]) throws(TransportError) {
        do {
            try engine.write(plaintext: plaintext)
        } catch {
            throw TransportError(description: "TLS: \(error.description)")
        }
    }

    func takeOutgoing() -> [UInt8] {
        var out: [UInt8] = []
        engine.drainCiphertext(into: &out)
        return out
    }

    var isEstablished: Bool { engine.peerAcceptedUs }
    var isHandshakeDone: Bool { engine.isHandshakeComplete }
    var peerFingerprint: String? { engine.peerFingerprint }

    func close() { engine.shutdown() }
}
