import CLinux
import Glibc
import Synchronization

/// A host name resolved off the loop's thread: getaddrinfo blocks (for seconds, when a DNS
/// server does not answer), so a client redialling `chat.example.org` must not call it where
/// Ctrl-C, typing and timers are served. The lookup runs on a thread of its own and hands its
/// answer back through an eventfd the loop watches like any socket; the loop gives up at its
/// own deadline (`abandon`) and a late answer is dropped. A numeric address is answered at once
/// on the caller's thread: getaddrinfo reads no network for it.
///
/// Ownership of the eventfd is decided under the lock: the loop closes it once it has taken
/// the answer, the worker once it finds the lookup abandoned, so neither ever writes to or
/// closes a descriptor number the other may have let the kernel reuse.
package final class NameLookup: Sendable {
    package typealias Answer = Result<[ResolvedAddress], ResolveError>
    /// How a name is resolved: the system's getaddrinfo, or a test's resolver.
    package typealias Resolve = @Sendable (_ host: String, _ port: Int) -> Answer

    package static let systemResolve: Resolve = { host, port in
        Result { () throws(ResolveError) in try Sys.resolve(host: host, port: port, passive: false) }
    }

    private enum State {
        case waiting
        case answered(Answer)
        /// The loop took the answer, or gave up: the descriptor is no longer the loop's.
        case done
    }

    /// Turns readable once the answer is in.
    package let fd: Int32
    private let state = Mutex<State>(.waiting)

    private init(fd: Int32) { self.fd = fd }

    /// Starts resolving `host`:`port`; the answer is ready when `fd` is readable.
    package static func start(host: String, port: Int, resolve: @escaping Resolve) throws(SystemError) -> NameLookup {
        let fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard fd >= 0 else { throw SystemError("eventfd") }
        let lookup = NameLookup(fd: fd)
        if Sys.isNumericAddress(host) {
            lookup.answer(resolve(host, port))
        } else if let error = Worker.spawn({ lookup.answer(resolve(host, port)) }) {
            lookup.answer(Answer.failure(ResolveError(host: host, message: error.description)))
        }
        return lookup
    }

    /// The worker's side: keep the answer and wake the loop, or close what the loop gave up.
    private func answer(_ answer: Answer) {
        state.withLock { state in
            guard case .waiting = state else {
                Glibc.close(fd)
                return
            }
            state = .answered(answer)
            var one: UInt64 = 1
            _ = write(fd, &one, MemoryLayout<UInt64>.size)
        }
    }

    /// The answer once `fd` has turned readable (nil before); the descriptor is closed with it.
    package func take() -> Answer? {
        state.withLock { state in
            guard case .answered(let answer) = state else { return nil }
            state = .done
            Glibc.close(fd)
            return answer
        }
    }

    /// The loop gives up (its deadline passed, or it quits): the answer, if it ever comes, is
    /// dropped, and the descriptor closed by whichever side is last.
    package func abandon() {
        state.withLock { state in
            switch state {
            case .waiting: state = .done
            case .answered:
                state = .done
                Glibc.close(fd)
            case .done: break
            }
        }
    }
}

/// A detached thread for one piece of blocking work.
private final class Worker: Sendable {
    let body: @Sendable () -> Void

    private init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    /// nil once started, else why not.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> SystemError? {
        let box = Unmanaged.passRetained(Worker(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            Unmanaged<Worker>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Worker>.fromOpaque(box).release()
            return SystemError("pthread_create", rc)
        }
        pthread_detach(thread)
        return nil
    }
}
