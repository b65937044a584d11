@testable import ChatIO
import ChatState
import Glibc
import Synchronization
import Testing

/// A client's redial looks its server's name up off the loop's thread (`NameLookup`): the
/// answer comes back as readiness of an eventfd, within a deadline, so a DNS server that never
/// answers cannot stop the loop. Real names (`localhost`), real sockets on 127.0.0.1, the real
/// `Runtime` on a `ManualClock`; the lookup that never answers is an injected resolver.
@Suite(.serialized) struct RedialLookupTests {
    @Test func localhostIsResolvedOffTheLoopAndAnsweredAsReadiness() throws {
        let os = try EpollSystem()
        let handle = try os.beginLookup(host: "localhost", port: 8080)
        try os.add(handle, .lookup, .readOnly)
        var answer: NameLookup.Answer?
        for _ in 0..<250 where answer == nil {
            os.wait(timeoutMillis: 20) { ready in
                guard ready.token == .lookup else { return }
                os.remove(handle)
                answer = os.finishLookup(handle)
            }
        }
        let addresses = try #require(try answer?.get())
        #expect(!addresses.isEmpty)
        for a in addresses { #expect(["127.0.0.1:8080", "[::1]:8080"].contains(a.description), "\(a.description)") }
    }

    @Test func aNumericAddressIsAnsweredAtOnce() throws {
        let os = try EpollSystem()
        let handle = try os.beginLookup(host: "127.0.0.1", port: 9)
        let addresses = try #require(try os.finishLookup(handle)?.get())
        #expect(addresses.map(\.description) == ["127.0.0.1:9"])
    }

    /// The first redial's lookup never answers: the loop goes on, gives it up at its deadline
    /// (never before), tells the core, and the next redial resolves `localhost` and connects.
    @Test func aLookupThatNeverAnswersEndsAtItsDeadlineAndTheNextRedialConnects() async throws {
        let failure = try await onOwnThread { try Self.stuckLookup() }
        #expect(failure == nil)
    }

    static func stuckLookup() throws -> String? {
        let resolver = StuckResolver(loopThread: pthread_self())
        defer { resolver.release() }
        let (listener, port) = try ChatIO.Listener.bind(host: "127.0.0.1", port: 0)
        defer { close(listener) }
        let clock = ManualClock()
        let policy = ReconnectPolicy(initialMillis: 50, maxMillis: 100, seed: 7, session: UID(randomBits: 1, 2))
        let config = AppConfig(role: .client, host: "localhost", port: port, username: "alice", reconnect: policy)
        let runtime = try Runtime(config: config, options: RuntimeOptions(), clock: clock,
                                  os: EpollSystem(resolve: resolver.resolve))
        let seen = Steps()
        runtime.stepHook = { event, effects in seen.add(event, effects) }
        // The first connection is made before the loop runs (with the system's resolver).
        try runtime.start()
        func turn(until done: () -> Bool) -> Bool {
            for _ in 0..<250 {
                if done() { return true }
                _ = runtime.turn(maxWaitMillis: 20)
            }
            return done()
        }
        func acceptOne() -> Int32? {
            var fd: Int32?
            _ = turn {
                if case let .connection(accepted, _, _) = ChatIO.Listener.accept(on: listener) { fd = accepted }
                return fd != nil
            }
            return fd
        }
        guard let first = acceptOne() else { return "the client's first connection never arrived" }
        close(first)
        guard turn(until: { seen.count { if case .disconnected = $0 { true } else { false } } == 1 }) else {
            return "the client never saw its connection end"
        }
        // Past the backoff: the core asks for a redial, whose lookup never answers.
        clock.advance(millis: 200)
        guard turn(until: { resolver.calls == 1 }) else { return "the redial never looked the name up" }
        // The loop is not in getaddrinfo: it turns, and its timers fire, up to the deadline.
        clock.advance(millis: Runtime.lookupTimeoutMillis - 1)
        for _ in 0..<5 { _ = runtime.turn(maxWaitMillis: 0) }
        if let early = seen.dialFailures.first { return "the redial failed before the lookup's deadline: \(early)" }
        clock.advance(millis: 1)
        guard turn(until: { !seen.dialFailures.isEmpty }) else { return "the stuck lookup was never given up" }
        guard seen.dialFailures[0].contains("no answer within 10 s") else {
            return "the redial failed otherwise: \(seen.dialFailures[0])"
        }
        // The next attempt resolves localhost (the first lookup still hangs) and connects.
        clock.advance(millis: 200)
        guard let second = acceptOne() else {
            return "the next redial never connected (\(resolver.calls) lookups, failures \(seen.dialFailures))"
        }
        defer { close(second) }
        guard turn(until: { seen.count { if case .connected = $0 { true } else { false } } == 2 }) else {
            return "the core never heard of the new connection"
        }
        guard resolver.calls == 2, resolver.onLoopThread == 0 else {
            return "\(resolver.calls) lookups, \(resolver.onLoopThread) of them on the loop's thread"
        }
        return nil
    }
}

/// A resolver whose first lookup hangs until `release` (a DNS server that never answers); the
/// later ones ask the system. A lookup made on the loop's thread is counted, and answered at
/// once with a failure, so a loop that resolves inline fails the test rather than hanging it.
private final class StuckResolver: Sendable {
    private struct State {
        var calls = 0
        var onLoopThread = 0
        var released = false
    }

    private let state = Mutex(State())
    private let loopThread: pthread_t

    init(loopThread: pthread_t) { self.loopThread = loopThread }

    var calls: Int { state.withLock { $0.calls } }
    var onLoopThread: Int { state.withLock { $0.onLoopThread } }

    func release() { state.withLock { $0.released = true } }

    var resolve: NameLookup.Resolve {
        { [self] host, port in
            let (call, inline) = state.withLock { s -> (Int, Bool) in
                s.calls += 1
                let inline = pthread_equal(pthread_self(), loopThread) != 0
                if inline { s.onLoopThread += 1 }
                return (s.calls, inline)
            }
            if inline { return .failure(ResolveError(host: host, message: "resolved on the loop's thread")) }
            // The worker's own wait, not the test's: it polls for the end of the test.
            while call == 1, !state.withLock({ $0.released }) { usleep(2_000) }
            return NameLookup.systemResolve(host, port)
        }
    }
}

/// The core's steps as the runtime's hook shows them.
private final class Steps {
    private(set) var events: [Event] = []
    private(set) var dialFailures: [String] = []

    func add(_ event: Event, _ effects: [Effect]) {
        events.append(event)
        if case let .dialFailed(reason) = event { dialFailures.append(reason) }
    }

    func count(_ matching: (Event) -> Bool) -> Int { events.count(where: matching) }
}
