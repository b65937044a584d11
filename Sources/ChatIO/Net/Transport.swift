/// A byte transform between a socket and the core. Plain connections have none; TLS is one
/// (`TLSTransport` over the memory-BIO `TLSEngine`): ciphertext in, plaintext out, and what the
/// core sends sealed on its way to the socket. The loop only ever talks to this protocol, so TLS
/// touches neither the loop nor the core.
protocol TransportLayer: AnyObject {
    /// Bytes read from the socket. Returns the plaintext they completed, possibly none (a
    /// handshake record, a partial record).
    func receive(_ bytes: UnsafeRawBufferPointer) throws(TransportError) -> [UInt8]
    /// Plaintext from the core, to be sealed for the socket.
    func send(_ plaintext: [UInt8]) throws(TransportError)
    /// Bytes the layer wants on the socket (handshake, sealed data, close alerts), moved out.
    func takeOutgoing() -> [UInt8]
    /// The handshake is done and the peer accepted us: the connection may be announced to the
    /// core (client side).
    var isEstablished: Bool { get }
    /// The handshake is done, whether or not the peer has shown its verdict on us yet.
    var isHandshakeDone: Bool { get }
    /// The peer's identity once the handshake is done: its certificate's SHA-256 fingerprint.
    var peerFingerprint: String? { get }
    /// The peer said goodbye inside the layer (TLS close_notify): treat as end of stream.
    var peerClosed: Bool { get }
    /// Asks the layer to say goodbye (TLS close_notify) once everything before it is sent.
    func close()
}

struct TransportError: Error, CustomStringConvertible {
    let description: String
}

enum Transport {
    case plain
    case layered(any TransportLayer)
}
