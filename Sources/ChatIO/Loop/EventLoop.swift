import CLinux
import Glibc

/// What a registered descriptor is, so one epoll answer leads straight to its owner without a
/// lookup by descriptor number.
package enum Token: Equatable {
    case listener
    case signals
    case stdin
    case frontend
    /// A redial's name lookup, answered off the loop's thread (see `NameLookup`).
    case lookup
    /// A `Runtime.OutputStream` waiting for writability.
    case output(Int)
    case connection(UInt64)

    // Connections take every value from `connectionBase` up; the fixed sources sit below it.
    private static let connectionBase: UInt64 = 16
    private static let outputBase: UInt64 = 8

    var raw: UInt64 {
        switch self {
        case .listener: return 1
        case .signals: return 2
        case .stdin: return 3
        case .frontend: return 4
        case .lookup: return 5
        case .output(let index): return Self.outputBase + UInt64(index)
        case .connection(let id): return Self.connectionBase + id
        }
    }

    init?(raw: UInt64) {
        switch raw {
        case 1: self = .listener
        case 2: self = .signals
        case 3: self = .stdin
        case 4: self = .frontend
        case 5: self = .lookup
        case Self.outputBase..<Self.connectionBase: self = .output(Int(raw - Self.outputBase))
        case Self.connectionBase...: self = .connection(raw - Self.connectionBase)
        default: return nil
        }
    }
}

/// Which readiness a descriptor is watched for.
package struct Interest: Equatable {
    package var read: Bool
    package var write: Bool

    package init(read: Bool, write: Bool) {
        self.read = read
        self.write = write
    }

    package static let none = Interest(read: false, write: false)
    package static let readOnly = Interest(read: true, write: false)

    var mask: UInt32 {
        (read ? EPOLLIN.rawValue : 0) | (write ? EPOLLOUT.rawValue : 0)
    }
}

/// One readiness report.
package struct Readiness {
    package let token: Token
    package let readable: Bool
    package let writable: Bool
    /// Error or hang-up: epoll reports these whatever the interest, so they must be acted on
    /// or the level-triggered loop would spin.
    package let failed: Bool

    package init(token: Token, readable: Bool, writable: Bool, failed: Bool) {
        self.token = token
        self.readable = readable
        self.writable = writable
        self.failed = failed
    }
}

/// The one epoll instance of the process. Level-triggered, so a source that is not fully
/// drained in one turn is simply reported again (fairness between connections comes free).
package final class EventLoop {
    private let epfd: Int32
    private let buffer: UnsafeMutablePointer<epoll_event>
    private let capacity = 256

    package init() throws(SystemError) {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw SystemError("epoll_create1") }
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
        close(epfd)
    }

    package func add(_ fd: Int32, _ token: Token, _ interest: Interest) throws(SystemError) {
        try control(EPOLL_CTL_ADD, fd, token, interest)
    }

    package func modify(_ fd: Int32, _ token: Token, _ interest: Interest) {
        // Only fails for a descriptor that is not registered: a bug, not a condition.
        try? control(EPOLL_CTL_MOD, fd, token, interest)
    }

    package func remove(_ fd: Int32) {
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nil)
    }

    private func control(_ op: Int32, _ fd: Int32, _ token: Token, _ interest: Interest) throws(SystemError) {
        var event = epoll_event(events: interest.mask, data: epoll_data_t(u64: token.raw))
        guard epoll_ctl(epfd, op, fd, &event) == 0 else { throw SystemError("epoll_ctl") }
    }

    /// Waits up to `timeoutMillis` (-1: forever) and hands every report to `body`.
    package func wait(timeoutMillis: Int32, _ body: (Readiness) -> Void) {
        let n = epoll_wait(epfd, buffer, Int32(capacity), timeoutMillis)
        guard n > 0 else { return }
        for i in 0..<Int(n) {
            let event = buffer[i]
            guard let token = Token(raw: event.data.u64) else { continue }
            body(Readiness(
                token: token,
                readable: event.events & EPOLLIN.rawValue != 0,
                writable: event.events & EPOLLOUT.rawValue != 0,
                failed: event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0))
        }
    }
}
