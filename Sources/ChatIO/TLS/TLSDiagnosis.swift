import COpenSSL
import ChatState

/// Turns the evidence left by a failed OpenSSL call (the error queue, the
/// verification result, the peer's first bytes) into one TLSError whose kind
/// says what went wrong and whose text says it in one line.
struct TLSDiagnosis {
    let role: TLSContext.Role
    let caFile: String
    let serverName: String?
    let inHandshake: Bool
    let firstBytes: [UInt8]
    let verifyResult: Int
    /// Borrowed from the SSL object, valid only while the diagnosis is made.
    let peerCertificate: OpaquePointer?
    let sslErrorCode: Int32
    let errors: [OpenSSLErrorEntry]
    /// We refused the peer's request to renegotiate (TLS 1.2) before this failure.
    let refusedRenegotiation: Bool

    private var phase: String { inHandshake ? "TLS handshake failed" : "TLS connection failed" }

    /// What a `--ssl` client most likely got wrong when the server hangs up on its hello: a
    /// plain PyChat server reads the hello as a frame far over its limit and closes.
    static let plainServerHint = "a server without TLS? then leave out --ssl"
    private var peerRole: String { role == .server ? "client" : "server" }

    func error() -> TLSError {
        let reasons = Set(errors.filter { $0.library == ERR_LIB_SSL }.map(\.reason))
        if inHandshake, let plaintext = plaintextPeerDescription() {
            return TLSError(.notTLS, "\(phase): \(plaintext)")
        }
        if reasons.contains(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
            return TLSError(.peerCertificateMissing,
                            "\(phase): the client presented no certificate (one signed by the CA in \(caFile) is required)")
        }
        if verifyResult != Int(X509_V_OK),
           inHandshake || reasons.contains(SSL_R_CERTIFICATE_VERIFY_FAILED) {
            return verificationError()
        }
        if reasons.contains(SSL_R_UNSUPPORTED_PROTOCOL) {
            return TLSError(.protocolError,
                            "\(phase): the \(peerRole) offers only protocol versions older than TLS 1.2 (pychat needs 1.2 or 1.3)")
        }
        if refusedRenegotiation, !inHandshake {
            // The peer's alert (handshake failure, usually) is its answer to our refusal, not a
            // mismatch of versions or ciphers: the handshake had long succeeded.
            return TLSError(.protocolError,
                            "\(phase): the \(peerRole) asked to renegotiate the TLS 1.2 session, which pychat refuses, "
                                + "and gave up the connection")
        }
        if let alert = errors.first(where: { isAlertReason($0) }) {
            return TLSError(.alertFromPeer, "\(phase): the \(peerRole) sent alert '\(alert.text)'\(alertHint(alert.reason))")
        }
        if reasons.contains(SSL_R_UNEXPECTED_EOF_WHILE_READING)
            || (sslErrorCode == SSL_ERROR_SYSCALL && errors.isEmpty) {
            let when = !inHandshake ? "without a TLS close_notify"
                : role == .client ? "during the TLS handshake (\(Self.plainServerHint))" : "during the TLS handshake"
            return TLSError(.unexpectedEOF, "\(phase): the \(peerRole) closed the connection \(when)")
        }
        let detail = errors.isEmpty ? "SSL error \(sslErrorCode)" : errors.map(\.text).joined(separator: "; ")
        return TLSError(.protocolError, "\(phase): \(detail)")
    }

    /// A TLS stream starts with a record header: content type 20...24, then major version 3.
    private func plaintextPeerDescription() -> String? {
        guard let first = firstBytes.first else { return nil }
        let looksLikeTLS = (20...24).contains(first) && (firstBytes.count < 2 || firstBytes[1] == 3)
        if looksLikeTLS { return nil }
        let hex = firstBytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
        let guess = first == 0 ? ": looks like a plaintext PyChat frame, is the \(peerRole) running without TLS?" : ""
        return "the \(peerRole) is not speaking TLS (first bytes \(hex)\(guess))"
    }

    private func verificationError() -> TLSError {
        let reason = String(cString: X509_verify_cert_error_string(verifyResult))
        let prefix = "\(phase): certificate verify failed: \(reason)"
        // The certificate's names are the peer's to choose: quoted, like any peer's string in a log.
        let subject = peerCertificate.map { " " + quoted(distinguishedName(X509_get_subject_name($0))) } ?? ""
        switch Int32(verifyResult) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
             X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_SIGNATURE_FAILURE:
            return TLSError(.unknownCA, "\(prefix) (the \(peerRole) certificate\(subject) is not signed by the CA in \(caFile))")
        case X509_V_ERR_CERT_HAS_EXPIRED:
            let end = peerCertificate.map { " on " + timeText(X509_get0_notAfter($0)) } ?? ""
            return TLSError(.certificateExpired, "\(prefix) (the \(peerRole) certificate\(subject) expired\(end))")
        case X509_V_ERR_CERT_NOT_YET_VALID:
            let start = peerCertificate.map { " before " + timeText(X509_get0_notBefore($0)) } ?? ""
            return TLSError(.certificateNotYetValid, "\(prefix) (the \(peerRole) certificate\(subject) is not valid\(start))")
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            let names = peerCertificate.flatMap(subjectAltNames).map(quoted) ?? "no subject alternative names"
            return TLSError(.hostnameMismatch,
                            "\(prefix) (the server certificate names \(names), not '\(serverName ?? "")')")
        default:
            return TLSError(.certificateRejected, "\(prefix) (the \(peerRole) certificate\(subject))")
        }
    }

    private func isAlertReason(_ entry: OpenSSLErrorEntry) -> Bool {
        entry.library == ERR_LIB_SSL
            && entry.reason >= SSL_AD_REASON_OFFSET && entry.reason < SSL_AD_REASON_OFFSET + 256
    }

    private func alertHint(_ reason: Int32) -> String {
        switch reason - SSL_AD_REASON_OFFSET {
        case SSL_AD_UNKNOWN_CA, SSL_AD_BAD_CERTIFICATE, SSL_AD_CERTIFICATE_EXPIRED,
             SSL_AD_CERTIFICATE_UNKNOWN, SSL_AD_UNSUPPORTED_CERTIFICATE:
            return ": it rejected our certificate"
        case SSL_AD_CERTIFICATE_REQUIRED:
            return ": it requires a client certificate"
        case SSL_AD_HANDSHAKE_FAILURE, SSL_AD_PROTOCOL_VERSION, SSL_AD_INSUFFICIENT_SECURITY:
            return ": no protocol version or cipher in common"
        default:
            return ""
        }
    }
}

/// "/CN=localhost/O=PyChat" style, for messages.
func distinguishedName(_ name: OpaquePointer?) -> String {
    guard let name, let text = X509_NAME_oneline(name, nil, 0) else { return "(no subject)" }
    defer { shim_OPENSSL_free(text) }
    return String(cString: text)
}

/// The subjectAltName extension as OpenSSL prints it ("DNS:localhost, IP Address:127.0.0.1").
func subjectAltNames(_ certificate: OpaquePointer) -> String? {
    let index = X509_get_ext_by_NID(certificate, NID_subject_alt_name, -1)
    guard index >= 0, let ext = X509_get_ext(certificate, index), let bio = BIO_new(BIO_s_mem()) else {
        return nil
    }
    defer { BIO_free(bio) }
    guard X509V3_EXT_print(bio, ext, 0, 0) == 1 else {
        OpenSSLErrorQueue.clear()
        return nil
    }
    return String(decoding: memoryBIOContents(bio), as: UTF8.self)
}

func timeText(_ time: UnsafePointer<ASN1_TIME>?) -> String {
    guard let time, let bio = BIO_new(BIO_s_mem()) else { return "?" }
    defer { BIO_free(bio) }
    guard ASN1_TIME_print(bio, time) == 1 else { return "?" }
    return String(decoding: memoryBIOContents(bio), as: UTF8.self)
}
