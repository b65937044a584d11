import COpenSSL

/// One TLS connection as a byte transformer over two memory BIOs: the caller
/// moves ciphertext between the socket and the engine, the engine never
/// touches a file descriptor. Confined to one thread (OpenSSL's SSL object is
/// not thread-safe), hence not Sendable.
///
/// Usage, for each readiness event:
/// - socket readable: `feed(ciphertext:)`, then `readPlaintext(into:)`,
///   then `drainCiphertext(into:)` and send what it gave;
/// - to send: `write(plaintext:)`, then `drainCiphertext(into:)`.
/// A client calls `handshake()` once after connecting and drains its ClientHello.
/// After any call, including one that threw, drain: a failure queues an alert
/// that tells the peer why.
public final class TLSEngine {
    public enum ReadResult: Sendable, Equatable {
        /// All input is consumed; feed more ciphertext to make progress.
        case needMore
        /// The peer sent close_notify: it will send nothing more.
        case closed
    }

    public let context: TLSContext
    /// The host a client dialled, checked against the server's certificate.
    public let serverName: String?
    private let ssl: OpaquePointer
    /// Owned by `ssl` (SSL_set_bio transfers ownership); freed with it.
    private let incoming: OpaquePointer
    private let outgoing: OpaquePointer
    /// Plaintext written before the handshake finished, sent as soon as it does.
    private var pendingPlaintext: [UInt8] = []
    /// The first bytes the peer ever sent, to recognise a peer that is not speaking TLS.
    private var firstBytes: [UInt8] = []
    private var failure: TLSError?
    /// shutdown() was called; close_notify goes out once the handshake allows it.
    private var shutdownRequested = false
    private var closeNotifyReceived = false
    /// Scratch space for SSL_read: one TLS record's worth.
    private var scratch = [UInt8](repeating: 0, count: 16384)
    /// The certificate verification failed on (up-referenced), for the error
    /// text: OpenSSL does not keep the peer's certificate when it rejects it.
    fileprivate var rejectedCertificate: OpaquePointer?
    /// We refused a renegotiation (TLS 1.2): the peer's next alert is its giving up on it.
    fileprivate var refusedRenegotiation = false

    /// A TLS 1.3 client gets here before the server has checked the client's
    /// certificate: a rejection then arrives as `.alertFromPeer` from a later
    /// `readPlaintext` (see `peerAcceptedUs`).
    public private(set) var isHandshakeComplete = false
    private var receivedApplicationData = false

    /// `serverName`: for a client, the host it dialled (a DNS name, an IPv4 or
    /// an IPv6 literal, brackets allowed); sent as SNI if it is a DNS name, and
    /// required in the server's certificate (subjectAltName). nil skips the
    /// name check (the chain is still verified). Ignored for a server.
    public init(context: TLSContext, serverName: String? = nil) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.context) else {
            throw TLSError(.internalError, "cannot create a TLS connection: \(OpenSSLErrorQueue.drainedText())")
        }
        let incoming = BIO_new(BIO_s_mem())
        let outgoing = BIO_new(BIO_s_mem())
        guard let incoming, let outgoing else {
            BIO_free(incoming)
            BIO_free(outgoing)
            SSL_free(ssl)
            throw TLSError(.internalError, "cannot allocate TLS buffers")
        }
        // An empty input buffer means "no data yet", not end of stream.
        _ = shim_BIO_set_mem_eof_return(incoming, -1)
        SSL_set_bio(ssl, incoming, outgoing)
        self.context = context
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
        self.serverName = context.role == .client ? serverName : nil
        // Unretained: the SSL object dies in our deinit, so it never outlives us.
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(self).toOpaque())
        SSL_set_info_callback(ssl, recordAlertSent)

        if context.role == .server {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
            if let host = self.serverName {
                try configureServerNameCheck(host)
            }
        }
    }

    deinit {
        SSL_free(ssl)
        if let rejectedCertificate { X509_free(rejectedCertificate) }
    }

    private func configureServerNameCheck(_ dialled: String) throws(TLSError) {
        var host = dialled
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        let parameters = SSL_get0_param(ssl)
        // set1_ip_asc accepts exactly the IPv4 and IPv6 literals; anything else is a DNS name.
        if X509_VERIFY_PARAM_set1_ip_asc(parameters, host) == 1 {
            return
        }
        OpenSSLErrorQueue.clear()
        X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        guard X509_VERIFY_PARAM_set1_host(parameters, host, 0) == 1,
              shim_SSL_set_tlsext_host_name(ssl, host) == 1 else {
            throw TLSError(.internalError, "cannot check the server name '\(dialled)': \(OpenSSLErrorQueue.drainedText())")
        }
    }

    /// Queues incoming ciphertext; nothing is decrypted until `readPlaintext`.
    public func feed(ciphertext: UnsafeRawBufferPointer) {
        guard let base = ciphertext.baseAddress, ciphertext.count > 0 else { return }
        if firstBytes.count < 5 {
            firstBytes.append(contentsOf: ciphertext.prefix(5 - firstBytes.count))
        }
        var offset = 0
        while offset < ciphertext.count {
            let chunk = Int32(clamping: ciphertext.count - offset)
            // A memory BIO grows as needed: a write only fails when memory runs out.
            let written = BIO_write(incoming, base + offset, chunk)
            if written <= 0 { break }
            offset += Int(written)
        }
    }

    public func feed(ciphertext: [UInt8]) {
        ciphertext.withUnsafeBytes { feed(ciphertext: $0) }
    }

    /// The socket reached end of stream. Without a close_notify first, the
    /// next `readPlaintext` throws `.unexpectedEOF` (or the handshake error).
    public func feedEndOfStream() {
        _ = shim_BIO_set_mem_eof_return(incoming, 0)
    }

    /// Drives the handshake as far as the input allows. Returns quietly while
    /// it needs more input; throws when it failed.
    public func handshake() throws(TLSError) {
        if let failure { throw failure }
        if isHandshakeComplete { return }
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            isHandshakeComplete = true
            if !pendingPlaintext.isEmpty {
                let queued = pendingPlaintext
                pendingPlaintext = []
                try withBytes(queued) { bytes throws(TLSError) in try writeRecords(bytes) }
            }
            if shutdownRequested { sendCloseNotify() }
            return
        }
        try handleFailure(result)
    }

    /// Decrypts everything available and appends it to `buffer`, driving the
    /// handshake first if needed. `.needMore` is the normal outcome.
    public func readPlaintext(into buffer: inout [UInt8]) throws(TLSError) -> ReadResult {
        if let failure { throw failure }
        if closeNotifyReceived { return .closed }
        if !isHandshakeComplete {
            try handshake()
            if !isHandshakeComplete { return .needMore }
        }
        let capacity = Int32(scratch.count)
        while true {
            OpenSSLErrorQueue.clear()
            let count = scratch.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, capacity) }
            if count > 0 {
                receivedApplicationData = true
                buffer.append(contentsOf: scratch[0..<Int(count)])
                continue
            }
            if SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN {
                closeNotifyReceived = true
                OpenSSLErrorQueue.clear()
                return .closed
            }
            try handleFailure(count)
            return .needMore
        }
    }

    /// Encrypts `plaintext`. Before the handshake completes it is kept and
    /// sent as soon as the handshake does, so a caller may write at once.
    public func write(plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        if let failure { throw failure }
        if shutdownRequested {
            throw TLSError(.closed, "cannot send on a TLS connection after shutdown")
        }
        guard plaintext.count > 0 else { return }
        if !isHandshakeComplete {
            pendingPlaintext.append(contentsOf: plaintext)
            return
        }
        try writeRecords(plaintext)
    }

    public func write(plaintext: [UInt8]) throws(TLSError) {
        try withBytes(plaintext) { bytes throws(TLSError) in try write(plaintext: bytes) }
    }

    private func writeRecords(_ plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        guard let base = plaintext.baseAddress else { return }
        var offset = 0
        while offset < plaintext.count {
            OpenSSLErrorQueue.clear()
            let chunk = Int32(clamping: plaintext.count - offset)
            let written = SSL_write(ssl, base + offset, chunk)
            if written > 0 {
                offset += Int(written)
                continue
            }
            if SSL_get_error(ssl, written) == SSL_ERROR_ZERO_RETURN {
                throw fail(TLSError(.closed, "cannot send: the peer closed the TLS connection"))
            }
            try handleFailure(written)
            // A memory BIO never asks to wait, so "want" here would loop forever.
            throw fail(TLSError(.internalError, "TLS write made no progress"))
        }
    }

    /// Bytes waiting to be sent to the peer.
    public var pendingCiphertextCount: Int {
        Int(BIO_ctrl_pending(outgoing))
    }

    /// Appends all queued outgoing ciphertext to `buffer` and empties the queue.
    public func drainCiphertext(into buffer: inout [UInt8]) {
        var data: UnsafeMutablePointer<CChar>? = nil
        let count = shim_BIO_get_mem_data(outgoing, &data)
        guard count > 0, let data else { return }
        buffer.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        _ = shim_BIO_reset(outgoing)
    }

    /// Queues close_notify (drain it afterwards); no more writes are allowed.
    /// Harmless to call twice. Before the handshake has finished, close_notify
    /// follows it, after any plaintext written so far.
    public func shutdown() {
        guard !shutdownRequested else { return }
        shutdownRequested = true
        if isHandshakeComplete { sendCloseNotify() }
    }

    private func sendCloseNotify() {
        guard failure == nil else { return }
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
    }

    /// Whether the peer has sent close_notify.
    public var peerClosed: Bool { closeNotifyReceived }

    /// The handshake is done and the peer has shown it accepted us. A TLS 1.3
    /// client's handshake ends one flight before the server's verdict on the
    /// client's certificate: the server then sends session tickets if it
    /// accepted it, an alert if not. So for such a client this waits for a
    /// ticket or for data; for a server, and for TLS 1.2 (whose handshake ends
    /// after the server's check), the handshake is the verdict. A server that
    /// sends no tickets gives no sign until it sends data.
    public var peerAcceptedUs: Bool {
        guard isHandshakeComplete else { return false }
        if context.role == .server || SSL_version(ssl) != TLS1_3_VERSION || receivedApplicationData { return true }
        guard let session = SSL_get_session(ssl) else { return false }
        return SSL_SESSION_has_ticket(session) == 1
    }

    /// The SHA-256 fingerprint of the peer's certificate, lowercase hex, once the handshake is
    /// done (a server requires one, so every client has it); nil before, or without one.
    public var peerFingerprint: String? {
        guard isHandshakeComplete, let certificate = SSL_get0_peer_certificate(ssl) else { return nil }
        return CertificateFingerprint.sha256(certificate)
    }

    /// The negotiated protocol, e.g. "TLSv1.3".
    public var protocolVersion: String {
        String(cString: SSL_get_version(ssl))
    }

    /// Returns for "want read/write" (incomplete, not failed), throws otherwise.
    private func handleFailure(_ result: Int32) throws(TLSError) {
        let code = SSL_get_error(ssl, result)
        if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE {
            OpenSSLErrorQueue.clear()
            return
        }
        let diagnosis = TLSDiagnosis(
            role: context.role,
            caFile: context.caFile,
            serverName: serverName,
            inHandshake: !isHandshakeComplete,
            firstBytes: firstBytes,
            verifyResult: SSL_get_verify_result(ssl),
            peerCertificate: SSL_get0_peer_certificate(ssl) ?? rejectedCertificate,
            sslErrorCode: code,
            errors: OpenSSLErrorQueue.drain(),
            refusedRenegotiation: refusedRenegotiation)
        throw fail(diagnosis.error())
    }

    /// Array.withUnsafeBytes rethrows untyped errors; this keeps `throws(TLSError)`.
    private func withBytes(
        _ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(TLSError) -> Void
    ) throws(TLSError) {
        var thrown: TLSError?
        array.withUnsafeBytes { bytes in
            do throws(TLSError) { try body(bytes) } catch { thrown = error }
        }
        if let thrown { throw thrown }
    }

    private func fail(_ error: TLSError) -> TLSError {
        failure = error
        return error
    }
}

/// OpenSSL's info callback: notes the no_renegotiation alert that SSL_OP_NO_RENEGOTIATION
/// makes OpenSSL send, since nothing else records that a renegotiation was refused.
func recordAlertSent(_ ssl: OpaquePointer?, _ point: Int32, _ value: Int32) {
    guard point & SSL_CB_WRITE_ALERT == SSL_CB_WRITE_ALERT, value & 0xFF == SSL_AD_NO_RENEGOTIATION,
          let ssl, let owner = SSL_get_ex_data(ssl, 0) else { return }
    Unmanaged<TLSEngine>.fromOpaque(owner).takeUnretainedValue().refusedRenegotiation = true
}

/// OpenSSL's verify callback: keeps the verdict, and remembers the first
/// certificate that failed so the error can name it.
func recordRejectedCertificate(_ verdict: Int32, _ store: OpaquePointer?) -> Int32 {
    guard verdict == 0, let store,
          let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
          let owner = SSL_get_ex_data(OpaquePointer(ssl), 0) else { return verdict }
    let engine = Unmanaged<TLSEngine>.fromOpaque(owner).takeUnretainedValue()
    if engine.rejectedCertificate == nil, let certificate = X509_STORE_CTX_get_current_cert(store) {
        X509_up_ref(certificate)
        engine.rejectedCertificate = certificate
    }
    return verdict
}
