import Glibc

/// A headless client's standard input, whose lines are messages: how it is watched, read and
/// put back. It knows nothing of the core; the runtime turns its lines into events.
struct StandardInput {
    enum Mode: Equatable {
        case unused
        /// Registered with epoll.
        case polled
        /// A regular file or /dev/null, which epoll refuses: always ready, read every turn.
        case alwaysReady
    }

    let fd: Int32
    private(set) var mode = Mode.unused
    /// The descriptor's flags before we made it non-blocking; -1 while not ours.
    private var savedFlags: Int32 = -1
    private var lines = LineReader()

    init(fd: Int32 = 0) { self.fd = fd }

    /// Makes the descriptor non-blocking and watches it. False if there is no such descriptor
    /// (nothing will ever be typed).
    mutating func open(in loop: some OperatingSystem) -> Bool {
        savedFlags = fcntl(fd, F_GETFL)
        guard savedFlags >= 0 else { return false }
        _ = fcntl(fd, F_SETFL, savedFlags | O_NONBLOCK)
        do {
            try loop.add(fd, .stdin, .readOnly)
            mode = .polled
        } catch {
            // epoll refuses regular files (and /dev/null): they are always readable anyway.
            mode = .alwaysReady
        }
        return true
    }

    /// Reads what is there: the complete lines, and whether the input ended (then the last
    /// line without a newline is among them, and the input is closed).
    mutating func read(into buffer: UnsafeMutableRawBufferPointer, in loop: some OperatingSystem) -> (lines: [String], ended: Bool) {
        if mode == .unused { return ([], false) }
        let n = loop.read(fd, into: buffer)
        if n > 0 { return (lines.feed(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n)), false) }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return ([], false) }
        close(in: loop)
        return (lines.finish().map { [$0] } ?? [], true)
    }

    /// Stops watching and puts the descriptor's flags back: they are shared with the shell
    /// that started us.
    mutating func close(in loop: some OperatingSystem) {
        if mode == .polled { loop.remove(fd) }
        mode = .unused
        if savedFlags >= 0 {
            _ = fcntl(fd, F_SETFL, savedFlags)
            savedFlags = -1
        }
    }

    /// Typing is input too: while the server is not reading, neither do we.
    func follow(readingPaused: Bool, in loop: some OperatingSystem) {
        if mode == .polled { loop.modify(fd, .stdin, readingPaused ? .none : .readOnly) }
    }
}
