@testable import ChatIO
import ChatState
import Glibc
import Testing

/// The runtime's timers and flow control on an injected clock: the real `Runtime` in process
/// (see `InProcessRuntime`), real sockets, and time moved by the test. Each scenario returns
/// what went wrong (nil: nothing), so the same scenario shows the runtime right and shows
/// that it catches the bug planted for it. Each runs on a thread of its own (`onOwnThread`),
/// one at a time: a runtime each is load enough for a suite that runs beside all the others.
@Suite(.serialized) struct RuntimeClockTests {
    @Test func anIdleServerAdmitsTheNextClient() async throws {
        let failure = try await onOwnThread { try Self.idleServer(plantedBug: nil) }
        #expect(failure == nil)
    }

    @Test func aNewcomerThatNeverJoinsIsClosedAtTheJoinDeadline() async throws {
        let failure = try await onOwnThread { try Self.silentNewcomer() }
        #expect(failure == nil)
    }

    @Test func aSlowReaderIsPausedAndDroppedOneStallTimeoutLater() async throws {
        let failure = try await onOwnThread { try Self.slowReader(plantedBug: nil) }
        #expect(failure == nil)
    }

    /// Each planted bug is caught by the scenario of the rule it breaks.
    @Test(arguments: RuntimePlantedBug.allCases)
    func aPlantedBugIsCaught(_ bug: RuntimePlantedBug) async throws {
        let failure = try await onOwnThread { () throws -> String? in
            switch bug {
            case .stallDropsAtOnce, .stallNeverDrops, .neverPauses: return try Self.slowReader(plantedBug: bug)
            case .deadlineFromBeforeWait: return try Self.idleServer(plantedBug: bug)
            case .frameDropsEarly, .frameNeverDrops: return try Self.unfinishedFrame(plantedBug: bug)
            }
        }
        #expect(failure != nil, "\(bug) went unnoticed")
    }

    // MARK: Scenarios

    /// A server that slept in its wait for longer than the join deadline admits the next
    /// client: the deadline counts from the connection's arrival, not from before the wait
    /// (it used to, and the newcomer was dropped at once with "did not join within 10 s").
    static func idleServer(plantedBug: RuntimePlantedBug?) throws -> String? {
        var options = RuntimeOptions()
        options.plantedBug = plantedBug
        let server = try InProcessRuntime.server(options: options)
        defer { _ = server.stop() }
        // Idle means no timer armed: nothing wakes the loop until a client arrives.
        guard server.runtime.waitTimeout() == -1 else { return "an idle server has a timer armed" }
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
        if !settled { return "the newcomer heard nothing" }
        return closed ? "the server closed the newcomer: \(String(decoding: seen, as: UTF8.self))" : nil
    }

    /// The same deadline does end a newcomer that never joins: once the clock passes it, with
    /// the reason logged.
    static func silentNewcomer() throws -> String? {
        let server = try InProcessRuntime.server()
        defer { _ = server.stop() }
        let mallory = try RawSocket(port: server.port)
        // Accepted: the join deadline is armed.
        guard server.turn(until: { server.runtime.waitTimeout() >= 0 }), let id = server.connection(of: mallory)?.id
        else { return "no join deadline armed" }
        server.clock.advance(millis: Int64(Limits.joinDeadlineMillis) - 1)
        _ = server.runtime.turn(maxWaitMillis: 0)
        if server.hasLetGo(of: mallory) { return "closed before its join deadline" }
        server.clock.advance(millis: 1)
        guard server.turn(until: { mallory.takeArrived().closed }) else { return "not closed at its join deadline" }
        let line = "disconnect \(id) before joining: did not join within 10 s"
        return server.logged.contains(line) ? nil : "not logged: \(line) (logged: \(server.logged.suffix(3)))"
    }

    @Test func aPeerThatStopsInTheMiddleOfAFrameIsDroppedAtTheFrameDeadline() async throws {
        let failure = try await onOwnThread { try Self.unfinishedFrame(plantedBug: nil) }
        #expect(failure == nil)
    }

    /// A member that joined, then sent half a frame and stopped: dropped once the frame
    /// deadline has passed since its first byte, and not a millisecond before.
    static func unfinishedFrame(plantedBug: RuntimePlantedBug?) throws -> String? {
        var options = RuntimeOptions(frameTimeoutMillis: 2_000)
        options.plantedBug = plantedBug
        let server = try InProcessRuntime.server(options: options)
        defer { _ = server.stop() }
        let dan = try RawSocket(port: server.port)
        dan.send(FrameCodec.frame(.joinRequest(username: "dan", color: "000000")))
        guard server.turn(until: { server.runtime.app.room?.joined.count == 1 }) else { return "dan did not join" }
        let half = FrameCodec.frame(.chat(uid: nil, text: "never finished"))
        dan.send(Array(half.prefix(half.count / 2)))
        guard server.turn(until: { server.runtime.app.room?.inputProgress(of: server.runtime.app.room!.joined[0])?.bufferedBytes ?? 0 > 0 })
        else { return "the half frame never arrived" }
        server.clock.advance(millis: 2_000 - 1)
        for _ in 0..<3 { _ = server.runtime.turn(maxWaitMillis: 0) }
        if server.hasLetGo(of: dan) { return "dropped before its frame deadline" }
        server.clock.advance(millis: 1)
        return server.turn(until: { dan.takeArrived().closed }) ? nil : "not dropped at its frame deadline"
    }

    /// A member who stops reading: once its queue passes the limit the server stops reading
    /// everyone (and keeps the slow reader), and drops it exactly one stall timeout after the
    /// room began to wait, then reads again.
    static func slowReader(plantedBug: RuntimePlantedBug?) throws -> String? {
        var options = RuntimeOptions(maxOutputBytes: 32 * 1024, stallTimeoutMillis: 5_000)
        options.plantedBug = plantedBug
        let server = try InProcessRuntime.server(options: options, chatRate: 0)
        defer { _ = server.stop() }
        let runtime = server.runtime
        // Sam's receive window is tiny and Sam never reads; Bob talks and reads everything.
        let sam = try RawSocket(port: server.port, receiveBuffer: 4096)
        let bob = try RawSocket(port: server.port)
        sam.send(FrameCodec.frame(.joinRequest(username: "sam", color: "000000")))
        bob.send(FrameCodec.frame(.joinRequest(username: "bob", color: "000000")))
        guard server.turn(until: { runtime.app.room?.joined.count == 2 }) else { return "the two did not join" }
        // The server's side of Sam's socket gets a small send buffer too.
        guard server.shrinkSendBuffer(of: sam) else { return "no connection for Sam" }
        // Far more than the kernel's buffers and the 32 KiB limit, written without ever
        // blocking the test.
        let chat = FrameCodec.frame(.chat(uid: nil, text: String(repeating: "x", count: 1000)))
        var chats = UnsentBytes(to: bob, (0..<16_000).reduce(into: []) { bytes, _ in bytes += chat })
        _ = server.turn(until: {
            _ = bob.takeArrived()
            chats.push()
            // All sent and read without a pause: it is not coming.
            return runtime.readingPaused || runtime.connections.count < 2 || (chats.isDone && server.hasRead(from: bob))
        }, maxTurns: 5_000)
        if runtime.connections.count < 2 { return "the slow reader was dropped as soon as the room waited for it" }
        if !runtime.readingPaused { return "reading never paused for the slow reader" }
        // Just short of the stall timeout: still there, the room still waiting.
        server.clock.advance(millis: 4_999)
        _ = server.turn(until: { _ = bob.takeArrived(); return false }, maxTurns: 5)
        if runtime.connections.count < 2 { return "the slow reader was dropped before the stall timeout" }
        if !runtime.readingPaused { return "reading resumed while the slow reader still held output" }
        server.clock.advance(millis: 1)
        let dropped = server.turn(until: { _ = bob.takeArrived(); return runtime.connections.count == 1 }, maxTurns: 100)
        if !dropped { return "the stalled reader was never dropped" }
        if runtime.readingPaused { return "reading did not resume once the stalled reader was gone" }
        return nil
    }
}
