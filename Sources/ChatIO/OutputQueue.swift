import Glibc

/// Bytes to write, held once however many connections they go to: a broadcast becomes one
/// chunk that every recipient's queue references (reference-counted, never copied again).
/// The storage is raw memory so its address is stable while a writev holds it.
final class Chunk {
    let base: UnsafeMutableRawPointer
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        base = .allocate(byteCount: max(count, 1), alignment: 1)
        bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: count) }
    }

    deinit { base.deallocate() }
}

/// One connection's pending output: a FIFO of shared chunks with a read offset into the first.
struct OutputQueue {
    private var chunks: [Chunk] = []
    private var head = 0
    private var headOffset = 0
    /// Bytes not yet written.
    private(set) var byteCount = 0

    var isEmpty: Bool { byteCount == 0 }

    mutating func append(_ chunk: Chunk) {
        guard chunk.count > 0 else { return }
        chunks.append(chunk)
        byteCount += chunk.count
    }

    enum WriteResult: Equatable {
        /// Everything queued was written.
        case drained
        /// The socket buffer is full; wait for writability.
        case blocked
        case failed(Int32)
    }

    /// Writes as much as the socket takes, up to `iovecs.count` chunks per writev call, so a
    /// burst of many small frames leaves in few syscalls.
    mutating func write(to fd: Int32, iovecs: UnsafeMutableBufferPointer<iovec>) -> WriteResult {
        while byteCount > 0 {
            var n = 0
            var i = head
            while i < chunks.count && n < iovecs.count {
                let skip = i == head ? headOffset : 0
                iovecs[n] = iovec(iov_base: chunks[i].base + skip, iov_len: chunks[i].count - skip)
                n += 1
                i += 1
            }
            let written = writev(fd, iovecs.baseAddress, Int32(n))
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .blocked }
                return .failed(errno)
            }
            consume(written)
            if written == 0 { return .blocked }
        }
        return .drained
    }

    /// Takes up to `limit` bytes off the front as one array (for a transform such as TLS that
    /// must see plaintext before it reaches the socket).
    mutating func take(upTo limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var i = head, offset = headOffset
        while i < chunks.count && out.count < limit {
            let c = chunks[i]
            let n = min(c.count - offset, limit - out.count)
            out.append(contentsOf: UnsafeRawBufferPointer(start: c.base + offset, count: n))
            offset = 0
            i += 1
        }
        consume(out.count)
        return out
    }

    private mutating func consume(_ count: Int) {
        var left = count
        byteCount -= count
        while left > 0 {
            let available = chunks[head].count - headOffset
            if left >= available {
                left -= available
                head += 1
                headOffset = 0
            } else {
                headOffset += left
                left = 0
            }
        }
        // Written chunks are released in batches, keeping the array's front compaction rare.
        if head == chunks.count {
            chunks.removeAll(keepingCapacity: chunks.count <= 1024)
            head = 0
        } else if head >= 1024 && head * 2 >= chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }

    mutating func removeAll() {
        chunks.removeAll()
        head = 0
        headOffset = 0
        byteCount = 0
    }
}
