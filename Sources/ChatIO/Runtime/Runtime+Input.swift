import ChatState

/// The local user's input: standard input lines (headless) and the terminal (`TerminalInput`).
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
        guard let terminalInput else { return }
        switch terminalInput.read(into: readBuffer, in: os, now: now) {
        case let .events(events, escapeDueAt):
            for event in events { dispatch(event) }
            if let due = escapeDueAt { timers.set(.escape, at: due) } else { timers.cancel(.escape) }
        case .nothing:
            break
        case .ended:
            beginQuit(code: ExitCode.ok, message: nil)
        }
    }
}
