@testable import ChatIO
import ChatState
import Glibc
import Testing

/// The runtime's timers on an injected clock: the real `Runtime` in process (see
/// `InProcessRuntime`), real sockets, and time moved by the test.
@Suite struct RuntimeClockTests {
    /// A server that slept in its wait for longer than the join deadline admits the next
    /// client: the deadline counts from the connection's arrival, not from before the wait
    /// (it used to, and the newcomer was dropped at once with "did not join within 10 s").
    @Test func anIdleServerAdmitsTheNextClient() throws {
        let server = try InProcessRuntime.server()
        // Idle means no timer armed: nothing wakes the loop until a client arrives.
        #expect(server.runtime.waitTimeout() == -1)
        _ = server.runtime.turn(maxWaitMillis: 0)
        // The loop sleeps while more than a join deadline passes.
        server.clock.advance(millis: Int64(Limits.joinDeadlineMillis) + 1_000)
        let alice = try RawSocket(port: server.port)
        alice.send(FrameCodec.frame(.joinRequest(username: "alice", color: "000000")))
        var seen: [UInt8] = [], closed = false
        let settled = server.turn(until: {
            let (bytes, end) = alice.takeArrived()
            seen += bytes
            closed = closed || end
            return closed || String(decoding: seen, as: UTF8.self).contains("ServerInfo")
        })
        #expect(settled && !closed, "the server closed the newcomer: \(String(decoding: seen, as: UTF8.self))")
        #expect(server.stop() == ExitCode.ok)
    }

    /// The same deadline does end a newcomer that never joins: once the clock passes it.
    @Test func aNewcomerThatNeverJoinsIsClosedAtTheJoinDeadline() throws {
        let server = try InProcessRuntime.server()
        let mallory = try RawSocket(port: server.port)
        // Accepted: the join deadline is armed.
        #expect(server.turn(until: { server.runtime.waitTimeout() >= 0 }))
        server.clock.advance(millis: Int64(Limits.joinDeadlineMillis) - 1)
        _ = server.runtime.turn(maxWaitMillis: 0)
        #expect(!mallory.takeArrived().closed)
        server.clock.advance(millis: 1)
        #expect(server.turn(until: { mallory.takeArrived().closed }))
        #expect(server.stop() == ExitCode.ok)
    }
}
