import CLinux
import Glibc

/// The signals the loop cares about arrive as readable bytes on a signalfd, so a handler
/// never runs in signal context and a signal is handled between steps like any other input.
/// SIGPIPE is ignored instead: a write to a closed peer must be an EPIPE, not a dead process.
package final class Signals {
    enum Kind: Equatable {
        case interrupt, terminate, hangup, windowChanged
    }

    let fd: Int32
    private static let watched: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGWINCH]

    init() throws(SystemError) {
        signal(SIGPIPE, SIG_IGN)
        var mask = sigset_t()
        sigemptyset(&mask)
        for s in Self.watched { sigaddset(&mask, s) }
        // Blocked signals stay pending until the signalfd is read; nothing is lost before
        // the loop starts.
        guard pthread_sigmask(SIG_BLOCK, &mask, nil) == 0 else { throw SystemError("pthread_sigmask") }
        fd = signalfd(-1, &mask, Int32(SFD_NONBLOCK) | Int32(SFD_CLOEXEC))
        guard fd >= 0 else { throw SystemError("signalfd") }
    }

    deinit { close(fd) }

    /// Every signal delivered since the last call, in arrival order.
    func drain() -> [Kind] {
        var out: [Kind] = []
        var info = signalfd_siginfo()
        let size = MemoryLayout<signalfd_siginfo>.size
        while read(fd, &info, size) == size {
            let signo = Int32(info.ssi_signo)
            switch signo {
            case SIGINT: out.append(.interrupt)
            case SIGTERM: out.append(.terminate)
            case SIGHUP: out.append(.hangup)
            case SIGWINCH: out.append(.windowChanged)
            default: break
            }
        }
        return out
    }
}
