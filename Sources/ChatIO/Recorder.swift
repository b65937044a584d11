import ChatState
import Glibc

/// Writes the session's event log as it runs: the header, then one line per step, each with
/// its own write(2), so a crash loses at most the step being written.
public final class Recorder {
    private let fd: Int32
    private let start: Int64
    private var step = 0

    /// Creates (or truncates) the file at once, so a bad path fails before anything starts.
    public init(path: String) throws(SystemError) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemError("cannot create \(path)") }
        start = Sys.monotonicMillis()
    }

    deinit { close(fd) }

    func writeHeader(_ config: AppConfig) {
        writeLine(EventLog.line(EventLog.Header(config: config)))
    }

    func record(_ event: Event, _ effects: [Effect]) {
        step += 1
        writeLine(EventLog.line(EventLog.Step(step: step, time: Sys.monotonicMillis() - start, event: event, effects: effects)))
    }

    private func writeLine(_ line: String) {
        Sys.writeAll(fd, line + "\n")
    }
}
