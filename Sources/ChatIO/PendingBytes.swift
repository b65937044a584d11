import Glibc

/// Bytes for a non-blocking socket and how far they are written: the one home of "write what
/// the socket takes, go on from there next time" for byte buffers (sealed TLS records, the
/// bench's own output, the log and transcript). Shared chunks go through `OutputQueue` instead.
package struct PendingBytes {
    private var bytes: [UInt8] = []
    private var offset = 0

    /// Bytes not yet written.
    package var count: Int { bytes.count - offset }
    package var isEmpty: Bool { offset == bytes.count }

    package init() {}

    package mutating func append(contentsOf more: some Sequence<UInt8>) {
        bytes.append(contentsOf: more)
    }

    /// Lets `fill` append in place, e.g. a TLS engine draining its ciphertext.
    package mutating func appendInPlace(_ fill: (inout [UInt8]) -> Void) {
        fill(&bytes)
    }

    package mutating func removeAll() {
        bytes = []
        offset = 0
    }

    /// Writes as much as the socket takes now.
    package mutating func write(to fd: Int32) -> OutputQueue.WriteResult {
        write { send(fd, $0, $1, Int32(MSG_NOSIGNAL)) }
    }

    /// Writes as much as `call` (a non-blocking write(2) or send(2) of its buffer and length)
    /// takes now.
    mutating func write(with call: (UnsafeRawPointer, Int) -> Int) -> OutputQueue.WriteResult {
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { call($0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n == 0 || errno == EAGAIN || errno == EWOULDBLOCK {
                return .blocked
            } else {
                return .failed(errno)
            }
        }
        // All written: start over, keeping a modest buffer for the next burst.
        bytes.removeAll(keepingCapacity: bytes.capacity <= 1 << 20)
        offset = 0
        return .drained
    }
}
