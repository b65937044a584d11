import COpenSSL

/// OpenSSL's error queue is per thread and outlives the call that filled it,
/// so every operation clears it first and drains it after a failure: one
/// connection's errors must never show up in another's diagnosis.
struct OpenSSLErrorEntry {
    let library: Int32
    let reason: Int32
    let text: String
}

enum OpenSSLErrorQueue {
    static func clear() {
        ERR_clear_error()
    }

    /// Empties the queue, oldest entry first (the root cause usually comes first).
    static func drain() -> [OpenSSLErrorEntry] {
        var entries: [OpenSSLErrorEntry] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            let reasonText = ERR_reason_error_string(code).map { String(cString: $0) }
            entries.append(OpenSSLErrorEntry(
                library: shim_ERR_GET_LIB(code),
                reason: shim_ERR_GET_REASON(code),
                text: reasonText ?? "error \(code)"))
        }
        return entries
    }

    /// The queue's entries as one short clause, for messages.
    static func drainedText() -> String {
        let texts = drain().map(\.text)
        return texts.isEmpty ? "unknown OpenSSL error" : texts.joined(separator: "; ")
    }
}

/// A fresh read-write memory BIO holding a copy of `bytes`; copying keeps the
/// BIO independent of Swift's buffer lifetimes.
func makeMemoryBIO(_ bytes: [UInt8]) -> OpaquePointer? {
    guard let bio = BIO_new(BIO_s_mem()) else { return nil }
    if !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
        if written != Int32(bytes.count) {
            BIO_free(bio)
            return nil
        }
    }
    return bio
}

/// Everything written so far into a memory BIO.
func memoryBIOContents(_ bio: OpaquePointer) -> [UInt8] {
    var data: UnsafeMutablePointer<CChar>? = nil
    let count = shim_BIO_get_mem_data(bio, &data)
    guard count > 0, let data else { return [] }
    return Array(UnsafeRawBufferPointer(start: data, count: count))
}

/// Never prompt on the terminal for a passphrase: an encrypted key is an error.
func refusePassphrase(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ writing: Int32, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    -1
}

/// Reads every PEM certificate in `bytes`, in file order; other blocks
/// (private keys) are skipped by OpenSSL.
func readCertificates(_ bytes: [UInt8]) -> [OpaquePointer] {
    guard let bio = makeMemoryBIO(bytes) else { return [] }
    defer { BIO_free(bio) }
    var certificates: [OpaquePointer] = []
    while let certificate = PEM_read_bio_X509(bio, nil, refusePassphrase, nil) {
        certificates.append(certificate)
    }
    // The loop ends on "no start line": expected, not an error.
    OpenSSLErrorQueue.clear()
    return certificates
}

func readPrivateKey(_ bytes: [UInt8]) -> (key: OpaquePointer?, failure: String) {
    guard let bio = makeMemoryBIO(bytes) else { return (nil, "out of memory") }
    defer { BIO_free(bio) }
    OpenSSLErrorQueue.clear()
    if let key = PEM_read_bio_PrivateKey(bio, nil, refusePassphrase, nil) {
        return (key, "")
    }
    let reason = OpenSSLErrorQueue.drainedText()
    if containsSubsequence(bytes, Array("PRIVATE KEY-----".utf8)) {
        return (nil, "the private key cannot be decoded (encrypted or corrupt: \(reason))")
    }
    return (nil, "no private key in the file (expected a PEM private key before the certificate)")
}

func containsSubsequence(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count)
    where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
        return true
    }
    return false
}
