import COpenSSL
import Glibc

/// A private key with its certificate, in memory. Not Sendable: it owns
/// OpenSSL objects; export the PEM bytes to share it.
public final class KeyAndCertificate {
    let key: OpaquePointer
    let certificate: OpaquePointer

    init(key: OpaquePointer, certificate: OpaquePointer) {
        self.key = key
        self.certificate = certificate
    }

    deinit {
        EVP_PKEY_free(key)
        X509_free(certificate)
    }

    /// The private key, unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY").
    public func privateKeyPEM() throws(TLSError) -> [UInt8] {
        try pem("private key") { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
    }

    public func certificatePEM() throws(TLSError) -> [UInt8] {
        try pem("certificate") { PEM_write_bio_X509($0, certificate) }
    }

    /// Key then certificate in one file: the layout the original's
    /// `--certfile` (Python's load_cert_chain) expects.
    public func combinedPEM() throws(TLSError) -> [UInt8] {
        try privateKeyPEM() + certificatePEM()
    }

    private func pem(_ what: String, _ write: (OpaquePointer) -> Int32) throws(TLSError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw TLSError(.certificateGeneration, "cannot encode the \(what): out of memory")
        }
        defer { BIO_free(bio) }
        OpenSSLErrorQueue.clear()
        guard write(bio) == 1 else {
            throw TLSError(.certificateGeneration, "cannot encode the \(what): \(OpenSSLErrorQueue.drainedText())")
        }
        return memoryBIOContents(bio)
    }
}

/// Makes PyChat's certificates with OpenSSL's API, like the original's
/// `make ssl_certs` (which runs the openssl command) but without needing it.
///
/// Keys are EC P-256 by default, not the RSA 2048 of the original's script:
/// generation is instant instead of a random 50-500 ms per key (it matters
/// for tests on a busy machine), handshakes are cheaper, and every TLS 1.2+
/// peer (Python's ssl included) accepts them. RSA stays available.
public enum CertificateFactory {
    public enum KeyType: Sendable, Equatable {
        case ecP256
        case rsa2048
    }

    public enum SubjectAltName: Sendable, Equatable {
        case dns(String)
        case ip(String)

        var configText: String {
            switch self {
            case .dns(let name): "DNS:\(name)"
            case .ip(let address): "IP:\(address)"
            }
        }
    }

    /// Seconds relative to now, so that tests can make certificates that
    /// expired or are not valid yet.
    public struct Validity: Sendable, Equatable {
        public var startOffset: Int
        public var endOffset: Int

        public init(startOffset: Int, endOffset: Int) {
            self.startOffset = startOffset
            self.endOffset = endOffset
        }

        /// Valid from an hour ago (tolerates clock skew between peers) for `days` days.
        public static func days(_ days: Int) -> Validity {
            Validity(startOffset: -3600, endOffset: days * 86400)
        }

        public static let standard = Validity.days(825)
        public static let expired = Validity(startOffset: -30 * 86400, endOffset: -86400)
        public static let notYetValid = Validity(startOffset: 86400, endOffset: 30 * 86400)
    }

    /// The names the original's certificates carry, plus `::1`.
    public static let standardAltNames: [SubjectAltName] = [
        .dns("localhost"), .ip("127.0.0.1"), .ip("::1"), .ip("0.0.0.0"),
    ]

    public static let caKeyFile = "rootCA.key"
    public static let caCertificateFile = "rootCA.pem"
    public static let serverFile = "server.pem"
    public static let clientFile = "client.pem"

    /// The CA's key or certificate already in `directory`, if either is there: `pychat certs`
    /// replaces a CA only when told to.
    public static func existingAuthorityFile(in directory: String) -> String? {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return [caKeyFile, caCertificateFile].map { base + $0 }.first { access($0, F_OK) == 0 }
    }

    /// Writes rootCA.key, rootCA.pem, server.pem and client.pem into
    /// `directory` (created if missing), replacing existing files. Key-bearing
    /// files get mode 0600, rootCA.pem 0644.
    public static func writeStandardSet(
        into directory: String, keyType: KeyType = .ecP256, validity: Validity = .standard
    ) throws(TLSError) {
        try makeDirectory(directory)
        let authority = try makeAuthority(commonName: "PyChat Root CA", keyType: keyType, validity: validity)
        let server = try makeLeaf(commonName: "localhost", altNames: standardAltNames,
                                  issuer: authority, keyType: keyType, validity: validity)
        let client = try makeLeaf(commonName: "localhost", altNames: standardAltNames,
                                  issuer: authority, keyType: keyType, validity: validity)
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        try PEMFiles.write(authority.privateKeyPEM(), to: base + caKeyFile, mode: 0o600)
        try PEMFiles.write(authority.certificatePEM(), to: base + caCertificateFile, mode: 0o644)
        try PEMFiles.write(server.combinedPEM(), to: base + serverFile, mode: 0o600)
        try PEMFiles.write(client.combinedPEM(), to: base + clientFile, mode: 0o600)
    }

    /// Writes `bytes` with `mode` (0600 for anything holding a private key).
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt32) throws(TLSError) {
        try PEMFiles.write(bytes, to: path, mode: mode_t(mode))
    }

    /// A self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign).
    public static func makeAuthority(
        commonName: String, keyType: KeyType = .ecP256, validity: Validity = .standard
    ) throws(TLSError) -> KeyAndCertificate {
        let key = try generateKey(keyType)
        return try makeCertificate(
            commonName: commonName, key: key, issuer: nil, validity: validity,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ])
    }

    /// A leaf certificate signed by `issuer`, good for both TLS roles
    /// (serverAuth and clientAuth), as the original uses one file for both.
    public static func makeLeaf(
        commonName: String, altNames: [SubjectAltName], issuer: KeyAndCertificate,
        keyType: KeyType = .ecP256, validity: Validity = .standard
    ) throws(TLSError) -> KeyAndCertificate {
        let key = try generateKey(keyType)
        // RSA key exchange (TLS 1.2 without ECDHE) encrypts to the key itself.
        let usage = keyType == .rsa2048 ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, usage),
            (NID_ext_key_usage, "serverAuth,clientAuth"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid"),
        ]
        if !altNames.isEmpty {
            extensions.append((NID_subject_alt_name, altNames.map(\.configText).joined(separator: ",")))
        }
        return try makeCertificate(commonName: commonName, key: key, issuer: issuer,
                                   validity: validity, extensions: extensions)
    }

    private static func generateKey(_ type: KeyType) throws(TLSError) -> OpaquePointer {
        OpenSSLErrorQueue.clear()
        let key = switch type {
        case .ecP256: shim_EVP_EC_gen("P-256")
        case .rsa2048: shim_EVP_RSA_gen(2048)
        }
        guard let key else {
            throw TLSError(.certificateGeneration, "cannot generate a key: \(OpenSSLErrorQueue.drainedText())")
        }
        return key
    }

    /// Takes ownership of `key`. A nil issuer means self-signed.
    private static func makeCertificate(
        commonName: String, key: OpaquePointer, issuer: KeyAndCertificate?,
        validity: Validity, extensions: [(Int32, String)]
    ) throws(TLSError) -> KeyAndCertificate {
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw TLSError(.certificateGeneration, "cannot create a certificate: out of memory")
        }
        // From here on the pair owns both, and frees them if we throw.
        let made = KeyAndCertificate(key: key, certificate: certificate)
        OpenSSLErrorQueue.clear()
        var ok = X509_set_version(certificate, 2) == 1 // v3, for extensions
            && setRandomSerial(certificate)
            && X509_gmtime_adj(X509_getm_notBefore(certificate), validity.startOffset) != nil
            && X509_gmtime_adj(X509_getm_notAfter(certificate), validity.endOffset) != nil
            && X509_set_pubkey(certificate, key) == 1
        let subject = X509_get_subject_name(certificate)
        ok = ok && X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, "PyChat", -1, -1, 0) == 1
            && X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1
        let issuerCertificate = issuer?.certificate ?? certificate
        ok = ok && X509_set_issuer_name(certificate, X509_get_subject_name(issuerCertificate)) == 1
        guard ok else {
            throw TLSError(.certificateGeneration, "cannot fill in the certificate for \(commonName): \(OpenSSLErrorQueue.drainedText())")
        }
        var v3 = X509V3_CTX()
        X509V3_set_ctx(&v3, issuerCertificate, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_nconf_nid(nil, &v3, nid, value) else {
                throw TLSError(.certificateGeneration, "cannot make extension '\(value)' for \(commonName): \(OpenSSLErrorQueue.drainedText())")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(certificate, ext, -1) == 1 else {
                throw TLSError(.certificateGeneration, "cannot add extension '\(value)' for \(commonName): \(OpenSSLErrorQueue.drainedText())")
            }
        }
        guard X509_sign(certificate, issuer?.key ?? key, EVP_sha256()) > 0 else {
            throw TLSError(.certificateGeneration, "cannot sign the certificate for \(commonName): \(OpenSSLErrorQueue.drainedText())")
        }
        return made
    }

    /// 159 random bits: positive, under the 20-octet limit of RFC 5280.
    private static func setRandomSerial(_ certificate: OpaquePointer) -> Bool {
        guard let number = BN_new() else { return false }
        defer { BN_free(number) }
        guard BN_rand(number, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
              let serial = BN_to_ASN1_INTEGER(number, nil) else { return false }
        defer { ASN1_INTEGER_free(serial) }
        return X509_set_serialNumber(certificate, serial) == 1
    }

    private static func makeDirectory(_ path: String) throws(TLSError) {
        var status = stat()
        if stat(path, &status) == 0 {
            if status.st_mode & S_IFMT != S_IFDIR {
                throw TLSError(.fileUnwritable, "cannot write certificates into \(path): not a directory")
            }
            return
        }
        if mkdir(path, 0o755) != 0 {
            throw TLSError(.fileUnwritable, "cannot create directory \(path): \(PEMFiles.errorText(errno))")
        }
    }
}
