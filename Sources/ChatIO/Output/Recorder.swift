import ChatState
import Glibc

/// Writes the session's event log as it runs: the header, then one line per step, each
/// written at once, so a crash loses at most the step being written.
///
/// The loop never waits for it: a recording to a pipe or FIFO whose reader falls behind
/// waits in a large bounded buffer. A recording with holes would be useless (a replay
/// rebuilds each state from the steps before it), so if that buffer ever fills, the recording
/// stops instead: the file is a complete prefix of the session up to `stoppedAfterStep`
/// which replays as far as it goes, and the runtime says so in the log and at exit.
public final class Recorder {
    let path: String
    private let fd: Int32
    /// The runtime's clock at the header: step times count from it.
    private var start: Int64 = 0
    private(set) var step = 0
    let output: NonBlockingOutput
    /// The last step the recording holds, once it has stopped.
    private(set) var stoppedAfterStep: Int?

    /// Creates (or truncates) the file at once, so a bad path fails before anything starts.
    public init(path: String) throws(SystemError) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemError("cannot create \(path)") }
        self.path = path
        output = NonBlockingOutput(ownDescriptor: fd, name: path, capacity: RuntimeOptions.recordingBufferBytes,
                                   whenFull: .stop)
    }

    deinit { close(fd) }

    func writeHeader(_ config: AppConfig, now: Int64) {
        start = now
        output.append(EventLog.line(EventLog.Header(config: config)))
    }

    func record(_ event: Event, _ effects: [Effect], now: Int64) {
        guard stoppedAfterStep == nil else { return }
        step += 1
        output.append(EventLog.line(EventLog.Step(step: step, time: now - start, event: event, effects: effects)))
        if output.stopReason != nil { stoppedAfterStep = step - 1 }
    }

    /// Why and where the recording stopped, for the log; nil while it is complete.
    var stopNotice: String? {
        guard let reason = output.stopReason else { return nil }
        return "recording stopped: \(reason); \(path) ends before step \((stoppedAfterStep ?? step) + 1)"
    }
}
