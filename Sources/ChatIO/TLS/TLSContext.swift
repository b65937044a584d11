import COpenSSL

/// The configuration shared by every connection of one role: our key and
/// certificate, the CA we trust, mutual verification, TLS 1.2 or later.
/// Loaded like the original's Python `ssl` setup: one PEM file with the
/// private key followed by the certificate, and a CA certificate file.
///
/// `@unchecked Sendable`: the SSL_CTX is fully configured in the initializer
/// and never mutated afterwards; OpenSSL documents SSL_new on a shared,
/// unchanging SSL_CTX as thread-safe (its reference count is atomic).
public final class TLSContext: @unchecked Sendable {
    public enum Role: Sendable, Equatable {
        case client
        case server
    }

    public let role: Role
    public let certFile: String?
    public let caFile: String
    let context: OpaquePointer

    /// A server that requires every client to present a certificate signed by the CA.
    public static func server(certFile: String, caFile: String) throws(TLSError) -> TLSContext {
        try TLSContext(role: .server, certFile: certFile, caFile: caFile)
    }

    /// A client that presents its certificate and verifies the server's against the CA.
    public static func client(certFile: String, caFile: String) throws(TLSError) -> TLSContext {
        try TLSContext(role: .client, certFile: certFile, caFile: caFile)
    }

    /// A client without a certificate of its own. A PyChat server rejects it;
    /// it exists so that this rejection can be tested.
    public static func clientWithoutCertificate(caFile: String) throws(TLSError) -> TLSContext {
        try TLSContext(role: .client, certFile: nil, caFile: caFile)
    }

    private init(role: Role, certFile: String?, caFile: String) throws(TLSError) {
        // Read the files before allocating anything, so that a bad path costs nothing.
        let identity = try certFile.map { path throws(TLSError) in try Self.loadIdentity(path) }
        let authorities = try Self.loadAuthorities(caFile)
        defer {
            authorities.forEach { X509_free($0) }
            if let identity {
                EVP_PKEY_free(identity.key)
                identity.chain.forEach { X509_free($0) }
            }
        }

        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(role == .server ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError(.internalError, "cannot create a TLS context: \(OpenSSLErrorQueue.drainedText())")
        }
        self.role = role
        self.certFile = certFile
        self.caFile = caFile
        self.context = context

        var configured = shim_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1
        SSL_CTX_set_options(context, shim_SSL_OP_NO_RENEGOTIATION() | shim_SSL_OP_NO_COMPRESSION())
        let store = SSL_CTX_get_cert_store(context)
        for authority in authorities {
            configured = configured && X509_STORE_add_cert(store, authority) == 1
        }
        if let identity {
            configured = configured
                && SSL_CTX_use_certificate(context, identity.chain[0]) == 1
                && SSL_CTX_use_PrivateKey(context, identity.key) == 1
            for intermediate in identity.chain.dropFirst() {
                configured = configured && shim_SSL_CTX_add1_chain_cert(context, intermediate) == 1
            }
        }
        guard configured else {
            // deinit frees the context.
            throw TLSError(.internalError, "cannot configure the TLS context: \(OpenSSLErrorQueue.drainedText())")
        }
        // The server refuses a client without a certificate, as the original's CERT_REQUIRED does.
        let mode = role == .server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
        SSL_CTX_set_verify(context, mode, recordRejectedCertificate)
    }

    deinit {
        SSL_CTX_free(context)
    }

    private struct Identity {
        let key: OpaquePointer
        /// The leaf certificate first.
        let chain: [OpaquePointer]
    }

    private static func loadIdentity(_ path: String) throws(TLSError) -> Identity {
        let bytes = try PEMFiles.read(path, role: "certificate file")
        let chain = readCertificates(bytes)
        let (key, keyFailure) = readPrivateKey(bytes)
        guard let key else {
            chain.forEach { X509_free($0) }
            throw TLSError(.noPrivateKey, "certificate file \(path): \(keyFailure)")
        }
        guard let leaf = chain.first else {
            EVP_PKEY_free(key)
            throw TLSError(.noCertificate, "certificate file \(path): no certificate in the file (expected a PEM certificate after the private key)")
        }
        OpenSSLErrorQueue.clear()
        if X509_check_private_key(leaf, key) != 1 {
            let reason = OpenSSLErrorQueue.drainedText()
            EVP_PKEY_free(key)
            chain.forEach { X509_free($0) }
            throw TLSError(.keyCertificateMismatch, "certificate file \(path): the private key does not match the certificate (\(reason))")
        }
        return Identity(key: key, chain: chain)
    }

    private static func loadAuthorities(_ path: String) throws(TLSError) -> [OpaquePointer] {
        let bytes = try PEMFiles.read(path, role: "CA file")
        let authorities = readCertificates(bytes)
        if authorities.isEmpty {
            throw TLSError(.caFileHasNoCertificate, "CA file \(path): no certificate in the file")
        }
        return authorities
    }
}
