import Glibc

/// A stream on a descriptor that the loop never waits for: the log on standard error, a
/// headless transcript on standard output, the event recording, the terminal UI's frames.
/// Bytes are written at once if the descriptor takes them; otherwise they wait in its
/// `OutputQueue`, flushed when the loop sees the descriptor writable. What happens to bytes
/// that do not fit is the stream's policy.
///
/// Public only as a handle a `Frontend` hands the runtime; everything on it is internal.
public final class NonBlockingOutput {
    enum WhenFull: Equatable {
        /// The line is dropped and counted; the count is reported once the buffer drains (the
        /// log and the transcript: losing some lines beats freezing the server).
        case dropLines
        /// The stream ends there, so what was written is a complete prefix with no holes (the
        /// recording: a log that silently skips steps cannot be replayed).
        case stop
        /// Nothing is refused: the writer bounds what it queues itself (the terminal queues a
        /// frame only once the one before it is written).
        case unbounded
    }

    let name: String
    let fd: Int32
    let capacity: Int
    let whenFull: WhenFull
    private let ownsDescriptor: Bool
    private let isSocket: Bool
    private var pending = OutputQueue()
    private var dropped = 0
    /// Why the stream ended (`stop` policy, or a failed write); nothing more is written.
    private(set) var stopReason: String?

    /// A stream on a descriptor this process opened itself (its flags are ours to change).
    init(ownDescriptor fd: Int32, name: String, capacity: Int, whenFull: WhenFull) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        self.fd = fd
        self.name = name
        self.capacity = capacity
        self.whenFull = whenFull
        ownsDescriptor = false
        isSocket = Self.isSocket(fd)
    }

    /// A stream on an inherited descriptor such as standard error. Its open file description
    /// is shared with whoever started us (a shell, a supervisor), so its flags are left alone:
    /// a pipe or terminal is opened again through /proc as a description of our own that we
    /// make non-blocking, and a socket is written with MSG_DONTWAIT. A regular file is written
    /// as it is: a disk does not wait for a reader.
    init(inherited fd: Int32, name: String, capacity: Int, whenFull: WhenFull) {
        var own: Int32 = -1
        var info = stat()
        let kind = fstat(fd, &info) == 0 ? info.st_mode & S_IFMT : 0
        if kind == S_IFIFO || kind == S_IFCHR {
            own = open("/proc/self/fd/\(fd)", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        }
        self.fd = own >= 0 ? own : fd
        ownsDescriptor = own >= 0
        isSocket = kind == S_IFSOCK
        self.name = name
        self.capacity = capacity
        self.whenFull = whenFull
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    private static func isSocket(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
    }

    /// Bytes waiting for the descriptor.
    var pendingBytes: Int { pending.byteCount }
    var hasPending: Bool { !pending.isEmpty }

    /// Queues one line (a newline is added) and writes what the descriptor takes now.
    func append(_ line: String) {
        var line = line + "\n"
        line.withUTF8 { _ = write($0) }
    }

    /// Queues bytes and writes what the descriptor takes now. False when they were refused
    /// (the stream is full or has ended).
    @discardableResult
    func write(_ bytes: some Collection<UInt8>) -> Bool {
        guard stopReason == nil else { return false }
        if whenFull != .unbounded && pending.byteCount + bytes.count > capacity {
            switch whenFull {
            case .dropLines:
                dropped += 1
            case .stop:
                stopReason = "\(name) was not read while \(RuntimeOptions.bytesText(capacity)) waited for it"
            case .unbounded:
                break
            }
            return false
        }
        let wasEmpty = pending.isEmpty
        pending.append(bytes: bytes)
        // Behind a blocked write, the loop's writability report flushes; trying now is useless.
        if wasEmpty { flush() }
        return true
    }

    /// Writes what the descriptor takes now. True when nothing is left waiting.
    @discardableResult
    func flush() -> Bool {
        guard !pending.isEmpty else { return true }
        let result = isSocket ? pending.send(to: fd, flags: Int32(MSG_DONTWAIT)) : pending.write(to: fd)
        if case .failed(let code) = result {
            // Nobody can read this stream any more (a closed pipe, a full disk): let it go.
            pending.removeAll()
            if stopReason == nil { stopReason = "cannot write to \(name): \(Sys.message(code))" }
        }
        return pending.isEmpty
    }

    /// Lines dropped since the last report, once they can be reported: the buffer has drained.
    func takeDroppedCount() -> Int? {
        guard dropped > 0, pending.isEmpty, stopReason == nil else { return nil }
        defer { dropped = 0 }
        return dropped
    }

    /// At exit: waits for the descriptor until `deadline` (monotonic milliseconds), then
    /// gives up on what is left.
    func drain(until deadline: Int64) {
        while !flush() {
            let left = deadline - Sys.monotonicMillis()
            if left <= 0 { return }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&p, 1, Int32(clamping: left))
        }
    }
}
