/// The bench's byte buffers (`BenchClient`, `BenchRelay`), kept under their old name while the
/// bench moves to its own target: they are an `OutputQueue` of the peer's own bytes, so the
/// bench writes through the same queue as the server. New code uses `OutputQueue` directly
/// (`append(bytes:)`, `send(to:)`); once the bench does too, this goes.
package struct PendingBytes: ~Copyable {
    private var queue = OutputQueue()

    package init() {}

    /// Bytes not yet written.
    package var count: Int { queue.byteCount }
    package var isEmpty: Bool { queue.isEmpty }

    package mutating func append(contentsOf more: some Collection<UInt8>) {
        queue.append(bytes: more)
    }

    /// Lets `fill` append, e.g. a TLS engine draining its ciphertext.
    package mutating func appendInPlace(_ fill: (inout [UInt8]) -> Void) {
        var more: [UInt8] = []
        fill(&more)
        queue.append(bytes: more)
    }

    package mutating func removeAll() {
        queue.removeAll()
    }

    /// Writes as much as the socket takes now.
    package mutating func write(to fd: Int32) -> OutputQueue.WriteResult {
        queue.send(to: fd)
    }
}
