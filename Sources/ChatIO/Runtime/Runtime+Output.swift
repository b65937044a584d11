import Glibc

/// The session's own output (the log, a headless transcript, the recording, the terminal UI):
/// written without ever blocking the loop (see `NonBlockingOutput`), watched for writability
/// while a reader lags, and drained within a bounded wait at exit.
extension Runtime {
    enum OutputStream: Int, CaseIterable {
        case standardOutput, standardError, recording
        /// The terminal UI's frames (the front-end's stream).
        case terminal
    }

    /// The stream, made on first use (a session with a terminal UI never touches standard
    /// output this way). The recording is made with the recorder; asking for it without one
    /// is a bug.
    func output(_ stream: OutputStream) -> NonBlockingOutput {
        if let o = outputs[stream.rawValue] { return o }
        let o: NonBlockingOutput
        switch stream {
        case .standardOutput:
            o = NonBlockingOutput(inherited: os.standardOutput, name: "standard output", capacity: RuntimeOptions.outputBufferBytes,
                                  whenFull: .dropLines)
        case .standardError:
            o = NonBlockingOutput(inherited: os.standardError, name: "standard error", capacity: RuntimeOptions.outputBufferBytes,
                                  whenFull: .dropLines)
        case .recording:
            preconditionFailure("the recording's stream comes with its recorder")
        case .terminal:
            preconditionFailure("the terminal's stream comes with its front-end")
        }
        outputs[stream.rawValue] = o
        return o
    }

    func flushOutput(_ index: Int) {
        guard index < outputs.count, let o = outputs[index] else { return }
        // The terminal took the rest of a frame: draw what changed meanwhile.
        if o.flush() && index == OutputStream.terminal.rawValue { needsRender = true }
        updateWatch(index, o)
    }

    /// Draws the app; a frame the terminal did not take whole is watched until it has.
    func render(_ frontend: any Frontend) {
        frontend.render(app)
        if let o = outputs[OutputStream.terminal.rawValue] { updateWatch(OutputStream.terminal.rawValue, o) }
    }

    /// Once per loop turn: reports what the streams dropped once they drained (dropped log
    /// lines are reported in the log itself, which has just drained) and a stopped recording.
    func flushOutputs() {
        if let n = outputs[OutputStream.standardOutput.rawValue]?.takeDroppedCount() {
            log("\(n) transcript line\(n == 1 ? "" : "s") dropped: standard output was not read")
        }
        if let n = outputs[OutputStream.standardError.rawValue]?.takeDroppedCount() {
            log("\(n) log line\(n == 1 ? "" : "s") dropped: standard error was not read")
        }
        if !recordingStopReported, let notice = recorder?.stopNotice {
            recordingStopReported = true
            if frontend == nil { log(notice) }
        }
        for (index, o) in outputs.enumerated() {
            if let o { updateWatch(index, o) }
        }
    }

    /// Watches a stream for writability exactly while it has bytes waiting.
    private func updateWatch(_ index: Int, _ o: NonBlockingOutput) {
        let want = o.hasPending
        guard want != watchedOutputs[index] else { return }
        if want {
            // epoll refuses regular files, which never make us wait; `outputRetryDeadline`
            // covers any other descriptor it refuses.
            guard (try? os.add(o.fd, .output(index), Interest(read: false, write: true))) != nil else { return }
        } else {
            os.remove(o.fd)
        }
        watchedOutputs[index] = want
    }

    /// A stream with bytes waiting that epoll could not watch is retried on a short timer.
    func outputRetryDeadline() -> Int64? {
        for (index, o) in outputs.enumerated() where o?.hasPending == true && !watchedOutputs[index] {
            return now + RuntimeOptions.outputRetryMillis
        }
        return nil
    }

    /// At exit: the last words, then every stream gets a bounded wait for its reader.
    func drainOutputs(message: String?) {
        if let message { output(.standardError).append(message) }
        // With a UI the log was silent; a stopped recording is still worth a line at the end.
        if frontend != nil, let notice = recorder?.stopNotice { output(.standardError).append("pychat: \(notice)") }
        // A real wait in poll at exit, so it counts real time, not the runtime's clock.
        let deadline = Sys.monotonicMillis() + RuntimeOptions.quitFlushMillis
        // The terminal had its wait in the front-end's `restore`.
        for (index, o) in outputs.enumerated() where index != OutputStream.terminal.rawValue {
            o?.drain(until: deadline)
        }
    }
}
