import Glibc

/// Puts the terminal back if the process dies of a fatal signal (a crash, a failed
/// precondition): the handler only makes async-signal-safe calls (tcsetattr, write), then
/// lets the signal kill the process as it would have.
enum TerminalRescue {
    nonisolated(unsafe) private static var fd: Int32 = -1
    nonisolated(unsafe) private static var out: Int32 = -1
    nonisolated(unsafe) private static var settings = termios()
    nonisolated(unsafe) private static var leave: UnsafeMutableBufferPointer<UInt8>?

    static let fatalSignals = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    static func arm(fd: Int32, settings: termios, output: Int32) {
        self.fd = fd
        self.out = output
        self.settings = settings
        if leave == nil {
            let bytes = TerminalFrontend.leave
            let buf = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            _ = buf.initialize(from: bytes)
            leave = buf
        }
        for sig in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                TerminalRescue.restoreNow()
                signal(sig, SIG_DFL)
                raise(sig)
            }
            action.sa_flags = Int32(bitPattern: UInt32(truncatingIfNeeded: SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }

    static func disarm() {
        fd = -1
        for sig in fatalSignals { signal(sig, SIG_DFL) }
    }

    private static func restoreNow() {
        guard fd >= 0 else { return }
        if let leave { _ = write(out, leave.baseAddress, leave.count) }
        _ = tcsetattr(fd, TCSAFLUSH, &settings)
        fd = -1
    }
}
