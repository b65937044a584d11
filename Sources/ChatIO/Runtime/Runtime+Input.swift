import ChatState
import Glibc

/// The local user's input: standard input lines (headless) and the front-end's descriptor.
extension Runtime {
    func openStandardInput() {
        // No standard input at all: nothing more will be typed.
        if !standardInput.open(in: loop) { dispatch(.inputClosed) }
    }

    func readStandardInput() {
        let (lines, ended) = standardInput.read(into: readBuffer, in: loop)
        for line in lines { dispatch(.inputLine(line)) }
        if ended { dispatch(.inputClosed) }
    }

    func closeStandardInput() { standardInput.close(in: loop) }

    func updateStandardInputInterest() { standardInput.follow(readingPaused: readingPaused, in: loop) }

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
