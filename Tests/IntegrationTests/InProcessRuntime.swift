@testable import ChatIO
import ChatState
import Foundation
import Glibc

/// A real `Runtime` in the test's own process, on a `ManualClock`, driven turn by turn by the
/// test over real sockets on 127.0.0.1. Time moves only when the test says so, so a deadline
/// is tested by moving the clock past it, never by sleeping.
final class InProcessRuntime {
    let clock: ManualClock
    let runtime: Runtime
    /// The signal mask the runtime's signalfd changed, put back at the end.
    private var savedMask = sigset_t()

    init(config: AppConfig, options: RuntimeOptions = RuntimeOptions(), clock: ManualClock = ManualClock(),
         roomLog: RoomLog? = nil) throws {
        self.clock = clock
        pthread_sigmask(SIG_SETMASK, nil, &savedMask)
        runtime = try Runtime(config: config, options: options, clock: clock)
        runtime.roomLog = roomLog
        try runtime.start()
    }

    /// A server on an ephemeral port of 127.0.0.1 (`chatRate` 0: no flood control).
    static func server(options: RuntimeOptions = RuntimeOptions(), chatRate: Int = AppConfig.defaultChatRate,
                       clock: ManualClock = ManualClock(), roomLog: RoomLog? = nil) throws -> InProcessRuntime {
        try InProcessRuntime(config: AppConfig(role: .server, host: "127.0.0.1", port: 0, username: "host", color: "336699",
                                               chatRate: chatRate),
                             options: options, clock: clock, roomLog: roomLog)
    }

    var port: Int { runtime.listener!.port }

    /// Runs turns, each waiting at most 20 ms of real time for readiness, until `done` says
    /// so (true) or `maxTurns` have run (false). The clock does not move meanwhile.
    func turn(until done: () -> Bool, maxTurns: Int = 250) -> Bool {
        for _ in 0..<maxTurns {
            if done() { return true }
            guard runtime.turn(maxWaitMillis: 20) else { return done() }
        }
        return done()
    }

    /// Quits as on SIGTERM (moving the clock past the flush wait) and returns the exit code.
    func stop() -> Int32 {
        runtime.beginQuit(code: ExitCode.ok, message: nil)
        while runtime.turn(maxWaitMillis: 20) { clock.advance(millis: RuntimeOptions.quitFlushMillis) }
        let code = runtime.finish()
        pthread_sigmask(SIG_SETMASK, &savedMask, nil)
        return code
    }
}

extension RawSocket {
    /// What arrived since the last call without waiting, and whether the peer has closed.
    func takeArrived() -> (bytes: [UInt8], closed: Bool) {
        var got: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { got += buffer.prefix(n); continue }
            return (got, n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        }
    }
}

/// Runs `body` on a thread of its own. A runtime driven turn by turn blocks in epoll for
/// seconds in all; on one of the few threads the async tests share it would starve them.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
