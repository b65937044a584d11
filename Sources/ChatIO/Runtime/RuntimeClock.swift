import Glibc
import Synchronization

/// Where the runtime reads time, and nowhere else: its timers, flow control's deadlines, the
/// core's `Event.time`, the log's stamps and the recording's step times all come from one
/// clock. Production runs on `SystemClock`; a test injects a `ManualClock` and moves time
/// itself, so no test sleeps to let a deadline pass. (Not named `Clock`: that is the standard
/// library's protocol for `Task.sleep`, which the tests also use.)
public protocol RuntimeClock: AnyObject, Sendable {
    /// Milliseconds on a monotonic clock: for counting time (a wall-clock jump moves nothing).
    func monotonicMillis() -> Int64
    /// Unix time in milliseconds: for showing dates and times of day, never for counting.
    func wallMillis() -> Int64
}

/// The operating system's clocks.
public final class SystemClock: RuntimeClock {
    public init() {}
    public func monotonicMillis() -> Int64 { Sys.monotonicMillis() }
    public func wallMillis() -> Int64 { Sys.wallMillis() }
}

/// A clock that moves only when told. Advancing it does not wake a loop that is waiting: as
/// when real time passes while the loop sleeps, the loop sees the new time when it next wakes.
/// Thread-safe, so a test may move it while a runtime reads it.
public final class ManualClock: RuntimeClock {
    private let monotonic: Atomic<Int64>
    private let wall: Atomic<Int64>

    /// Starts at `monotonicMillis`, and at `wallMillis` on the wall (2026-01-01 by default).
    public init(monotonicMillis: Int64 = 1_000_000, wallMillis: Int64 = 1_767_225_600_000) {
        monotonic = Atomic(monotonicMillis)
        wall = Atomic(wallMillis)
    }

    public func monotonicMillis() -> Int64 { monotonic.load(ordering: .acquiring) }
    public func wallMillis() -> Int64 { wall.load(ordering: .acquiring) }

    /// Moves both clocks forward by `millis`.
    public func advance(millis: Int64) {
        precondition(millis >= 0, "a monotonic clock does not go back")
        monotonic.wrappingAdd(millis, ordering: .releasing)
        wall.wrappingAdd(millis, ordering: .releasing)
    }
}

extension RuntimeClock {
    /// The local time of day, "HH:MM:SS.mmm", that stamps each log line.
    func timeOfDay() -> String {
        let millis = wallMillis()
        var seconds = time_t(millis / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = Int(millis % 1000)
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(msText)"
    }
}
