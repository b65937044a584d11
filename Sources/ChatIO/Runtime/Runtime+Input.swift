import ChatState
import Glibc

/// The local user's input: standard input lines (headless) and the front-end's descriptor.
extension Runtime {
    func openStandardInput() {
        // No standard input at all: nothing more will be typed.
        if !standardInput.open(in: os) { dispatch(.inputClosed) }
    }

    func readStandardInput() {
        let (lines, ended) = standardInput.read(into: readBuffer, in: os)
        for line in lines { dispatch(.inputLine(line)) }
        if ended { dispatch(.inputClosed) }
    }

    func closeStandardInput() { standardInput.close(in: os) }

    func updateStandardInputInterest() { standardInput.follow(readingPaused: readingPaused, in: os) }

    func readFrontend() {
        guard let frontend, let fd = frontend.inputDescriptor else { return }
        let n = os.read(fd, into: readBuffer)
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
            os.remove(fd)
            beginQuit(code: ExitCode.ok, message: nil)
        }
    }
}
