import ChatState
import Glibc

/// The local user's input: standard input lines (headless) and the front-end's descriptor.
extension Runtime {
    func openStandardInput() {
        standardInputFlags = fcntl(0, F_GETFL)
        guard standardInputFlags >= 0 else {
            // No standard input at all: nothing more will be typed.
            dispatch(.inputClosed)
            return
        }
        _ = fcntl(0, F_SETFL, standardInputFlags | O_NONBLOCK)
        do {
            try loop.add(0, .stdin, .readOnly)
            standardInput = .polled
        } catch {
            // epoll refuses regular files (and /dev/null): they are always readable anyway.
            standardInput = .alwaysReady
        }
    }

    func readStandardInput() {
        if case .unused = standardInput { return }
        var n: Int
        repeat { n = Glibc.read(0, readBuffer.baseAddress, readBuffer.count) } while n < 0 && errno == EINTR
        if n > 0 {
            for line in lines.feed(UnsafeRawBufferPointer(start: readBuffer.baseAddress, count: n)) {
                dispatch(.inputLine(line))
            }
        } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
            closeStandardInput()
            if let last = lines.finish() { dispatch(.inputLine(last)) }
            dispatch(.inputClosed)
        }
    }

    func closeStandardInput() {
        if case .polled = standardInput { loop.remove(0) }
        standardInput = .unused
        // The descriptor's flags are shared with the shell that started us: put them back.
        if standardInputFlags >= 0 {
            _ = fcntl(0, F_SETFL, standardInputFlags)
            standardInputFlags = -1
        }
    }

    /// Typing is input too: while the server is not reading, neither do we.
    func updateStandardInputInterest() {
        if case .polled = standardInput {
            loop.modify(0, .stdin, readingPaused ? .none : .readOnly)
        }
    }

    func readFrontend() {
        guard let frontend, let fd = frontend.inputDescriptor else { return }
        var n: Int
        repeat { n = Glibc.read(fd, readBuffer.baseAddress, readBuffer.count) } while n < 0 && errno == EINTR
        if n > 0 {
            for event in frontend.events(from: UnsafeRawBufferPointer(start: readBuffer.baseAddress, count: n)) {
                dispatch(event)
            }
            if frontend.escapePending {
                timers.set(.escape, at: now + Int64(TerminalFrontend.escapeTimeoutMillis))
            } else {
                timers.cancel(.escape)
            }
        } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
            // The terminal went away: nobody is left to type.
            loop.remove(fd)
            beginQuit(code: ExitCode.ok, message: nil)
        }
    }
}
