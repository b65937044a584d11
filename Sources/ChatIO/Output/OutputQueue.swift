import Glibc

/// Bytes to write, held once however many queues they go to: a broadcast becomes one chunk
/// that every recipient's queue references (never copied again). The storage is raw memory so
/// its address is stable while a writev holds it.
///
/// Queues count their holds in `holders`, a plain integer (the loop is one thread): a chunk
/// is retained once when first queued and released when the last queue is done with it, so
/// a delivery costs no atomic reference counting, which profiling showed as a fifth of the
/// server's time at 200 clients. Only `OutputQueue` touches `holders`, and every hold it takes
/// it gives back (when the bytes are written, or when the queue itself goes away).
package final class Chunk {
    let base: UnsafeMutableRawPointer
    let count: Int
    fileprivate var holders = 0

    package init(_ bytes: some Collection<UInt8>) {
        count = bytes.count
        base = .allocate(byteCount: max(count, 1), alignment: 1)
        UnsafeMutableRawBufferPointer(start: base, count: count).copyBytes(from: bytes)
    }

    deinit { base.deallocate() }
}

/// The one queue of bytes on their way to a descriptor (a socket, the log, a transcript, the
/// recording, the terminal): a FIFO of chunks with a read offset into the first, written with
/// as few calls as the descriptor allows and going on where it stopped next time.
///
/// It cannot be copied (a copy would give back the same holds twice), and its deinit gives back
/// whatever it still holds, so a queue dropped with bytes unwritten frees them: nothing has to
/// remember to empty it.
package struct OutputQueue: ~Copyable {
    private var chunks: [Unmanaged<Chunk>] = []
    private var head = 0
    private var headOffset = 0
    /// Bytes not yet written.
    package private(set) var byteCount = 0

    package init() {}

    deinit {
        for c in chunks[head...] { Self.letGo(c) }
    }

    package var isEmpty: Bool { byteCount == 0 }

    /// Queues a chunk that other queues may share.
    package mutating func append(_ chunk: Chunk) {
        guard chunk.count > 0 else { return }
        if chunk.holders == 0 {
            chunks.append(Unmanaged.passRetained(chunk))
        } else {
            chunks.append(Unmanaged.passUnretained(chunk))
        }
        chunk.holders += 1
        byteCount += chunk.count
    }

    /// Queues bytes of this queue's own (a log line, a terminal frame, sealed TLS records).
    package mutating func append(bytes: some Collection<UInt8>) {
        guard !bytes.isEmpty else { return }
        append(Chunk(bytes))
    }

    /// One queue is done with a chunk; the last one lets it go.
    private static func letGo(_ chunk: Unmanaged<Chunk>) {
        let last = chunk._withUnsafeGuaranteedRef { c -> Bool in
            c.holders -= 1
            return c.holders == 0
        }
        if last { chunk.release() }
    }

    package enum WriteResult: Equatable {
        /// Everything queued was written.
        case drained
        /// The descriptor takes no more now; wait for writability.
        case blocked
        case failed(Int32)
    }

    /// Writes as much as the descriptor takes, up to `iovecs.count` chunks per writev call, so a
    /// burst of many small frames leaves in few syscalls. (SIGPIPE is ignored: a closed peer is
    /// an EPIPE.)
    package mutating func write(to fd: Int32, iovecs: UnsafeMutableBufferPointer<iovec>) -> WriteResult {
        write(iovecs: iovecs) { writev(fd, $0, $1) }
    }

    /// The same with a small buffer of iovecs of its own, for queues written now and then.
    package mutating func write(to fd: Int32) -> WriteResult {
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: Self.ownIovecs) { write(to: fd, iovecs: $0) }
    }

    /// A socket's version: sendmsg(2) with `flags` (MSG_NOSIGNAL always; MSG_DONTWAIT for a
    /// socket whose blocking mode is not ours to change).
    package mutating func send(to socket: Int32, flags: Int32 = 0) -> WriteResult {
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: Self.ownIovecs) { iovecs in
            write(iovecs: iovecs) { vectors, count in
                var message = msghdr()
                message.msg_iov = UnsafeMutablePointer(mutating: vectors)
                message.msg_iovlen = Int(count)
                return sendmsg(socket, &message, flags | Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// Iovecs for `write(to:)`: a log line or a TLS record each is one; 64 is plenty per call.
    static let ownIovecs = 64

    /// Writes as much as `call` (a non-blocking writev(2) or sendmsg(2) of the iovecs given)
    /// takes now: the one home of "write what it takes, go on from there next time".
    mutating func write(iovecs: UnsafeMutableBufferPointer<iovec>,
                        with call: (UnsafePointer<iovec>, Int32) -> Int) -> WriteResult {
        while byteCount > 0 {
            var n = 0
            var i = head
            while i < chunks.count && n < iovecs.count {
                let skip = i == head ? headOffset : 0
                iovecs[n] = chunks[i]._withUnsafeGuaranteedRef { iovec(iov_base: $0.base + skip, iov_len: $0.count - skip) }
                n += 1
                i += 1
            }
            let written = call(iovecs.baseAddress!, Int32(n))
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
            let c = chunks[i].takeUnretainedValue()
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
            let available = chunks[head]._withUnsafeGuaranteedRef { $0.count } - headOffset
            if left >= available {
                left -= available
                Self.letGo(chunks[head])
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

    /// Drops everything unwritten (a connection that failed, a stream nobody reads).
    package mutating func removeAll() {
        for c in chunks[head...] { Self.letGo(c) }
        chunks.removeAll()
        head = 0
        headOffset = 0
        byteCount = 0
    }
}
