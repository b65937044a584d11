import ChatIO

/// The bench's two uses of a TLS engine, shared by its clients and its relay: records in and
/// plaintext out into reused buffers, with no allocation per read once they have grown.
extension TLSEngine {
    /// Seals `plaintext` and queues the records for the socket.
    func seal(_ plaintext: [UInt8], into out: inout PendingBytes) throws(TLSError) {
        try write(plaintext: plaintext)
        out.appendInPlace { drainCiphertext(into: &$0) }
    }

    /// Opens the records just read into `plaintext` (emptied first), and queues whatever the
    /// engine has to say back (its handshake, alerts, tickets) into `out`.
    func open(_ records: UnsafeRawBufferPointer, into plaintext: inout [UInt8], answers out: inout PendingBytes)
        throws(TLSError) {
        feed(ciphertext: records)
        plaintext.removeAll(keepingCapacity: true)
        _ = try readPlaintext(into: &plaintext)
        out.appendInPlace { drainCiphertext(into: &$0) }
    }
}
