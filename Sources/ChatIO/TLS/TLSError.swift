/// A TLS failure: `kind` is for code (tests, the event loop), `description`
/// is one line for a human, naming the file or the cause.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        // Loading a context or writing certificates.
        case fileMissing
        case fileUnreadable
        case noPrivateKey
        case noCertificate
        case keyCertificateMismatch
        case caFileHasNoCertificate
        case fileUnwritable
        case certificateGeneration
        // A handshake or an established connection.
        /// The peer (a client) presented no certificate although one is required.
        case peerCertificateMissing
        /// The peer's certificate does not chain to our CA.
        case unknownCA
        /// The server's certificate does not name the host we dialled.
        case hostnameMismatch
        case certificateExpired
        case certificateNotYetValid
        /// Any other certificate verification failure.
        case certificateRejected
        /// The peer's first bytes are not a TLS record (e.g. a plaintext PyChat frame).
        case notTLS
        /// The peer aborted with a fatal alert, usually because it rejected our certificate.
        case alertFromPeer
        /// The transport ended without a close_notify.
        case unexpectedEOF
        /// Writing after shutdown() or after the peer's close_notify.
        case closed
        case protocolError
        case internalError
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
