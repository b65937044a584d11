import Testing
@testable import ChatState

/// Plays the interpreter for the room: tells it the time, fires its timers when due, and
/// notes what it pauses and what reaches bob.
struct FloodDriver {
    static let alice = Fix.c1, bob = Fix.c2

    var app: ChatApp
    var now: Int64 = 0
    var timers: [TimerID: Int64] = [:]
    var paused: Set<ConnID> = []
    var pauses = 0, resumes = 0
    /// Chat texts sent to bob, with the time they left.
    var toBob: [(at: Int64, text: String)] = []
    var bobDecoder = FrameDecoder(limit: Limits.maxFrameLength)

    /// alice (#1) and bob (#2) joined at time 0.
    init(rate: Int = 2, burst: Int = 5) {
        app = ChatApp(config: AppConfig(role: .server, chatRate: rate, chatBurst: burst))
        _ = step(.time(Instant(monotonicMillis: 0)))
        for (conn, uid, name) in [(Self.alice, Fix.uid1, "alice"), (Self.bob, Fix.uid2, "bob")] {
            _ = step(.accepted(conn: conn, uid: uid, remote: "r", address: "10.0.0.\(conn.raw)"))
            _ = step(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: name, color: "000000"))))
        }
        _ = step(.timer(.announce))
        toBob = []
    }

    @discardableResult
    mutating func step(_ event: Event) -> [Effect] {
        let effects = app.reduce(event)
        for e in effects {
            switch e {
            case let .setTimer(id, millis): timers[id] = now + Int64(millis)
            case let .cancelTimer(id): timers[id] = nil
            case let .pauseReading(c): paused.insert(c); pauses += 1
            case let .resumeReading(c): paused.remove(c); resumes += 1
            case let .send(to, bytes) where to.contains(Self.bob):
                for f in bobDecoder.feed(bytes.array) {
                    if case let .chat(_, text)? = try? MessageCodec.decode(f.body) { toBob.append((now, text)) }
                }
            default: break
            }
        }
        return effects
    }

    mutating func advance(to t: Int64) {
        now = t
        step(.time(Instant(monotonicMillis: t)))
    }

    /// Fires every timer due up to `end`, in order of due time, the clock moving to each.
    mutating func run(until end: Int64) {
        while let (id, due) = timers.filter({ $0.value <= end }).min(by: { $0.value < $1.value }) {
            timers[id] = nil
            if due > now { advance(to: due) }
            step(.timer(id))
        }
        if end > now { advance(to: end) }
    }

    static func chats(_ texts: [String]) -> Bytes {
        Bytes(texts.flatMap { FrameCodec.frame(.chat(uid: nil, text: $0)) })
    }
}

@Suite struct FloodControlTests {
    @Test func aPasteOfAHundredLinesArrivesWholeInOrderAtTheRate() {
        var d = FloodDriver()
        let lines = (0..<100).map { "line \($0)" }
        let first = d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats(lines)))
        // The burst goes out at once; the rest is held and reading alice stops.
        #expect(d.toBob.map(\.text) == Array(lines.prefix(5)))
        #expect(first.suffix(2) == [.pauseReading(conn: FloodDriver.alice), .setTimer(.floodRelease(FloodDriver.alice), millis: 500)])
        #expect(d.app.room!.heldFrames(of: FloodDriver.alice).count == 95)
        d.run(until: 100_000)
        #expect(d.toBob.map(\.text) == lines)
        // Then one every 500 ms (2 a second).
        #expect(d.toBob.map(\.at) == Array(repeating: 0, count: 5) + (1...95).map { Int64($0) * 500 })
        #expect(d.pauses == 1 && d.resumes == 1 && d.paused.isEmpty)
        #expect(d.app.room!.heldFrames(of: FloodDriver.alice).isEmpty)
        // The room shows them all too, in order (the host's screen, a transcript).
        #expect(d.app.room!.isConnected(FloodDriver.alice))
    }

    @Test func anIdleMembersBucketRefillsUpToTheBurst() {
        var d = FloodDriver()
        d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats((0..<5).map { "a\($0)" })))
        #expect(d.toBob.count == 5 && d.paused.isEmpty)
        // 1.5 s of quiet: three tokens back.
        d.advance(to: 1_500)
        d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats((0..<4).map { "b\($0)" })))
        #expect(d.toBob.count == 8)
        #expect(d.paused == [FloodDriver.alice])
        d.run(until: 2_000)
        #expect(d.toBob.count == 9 && d.paused.isEmpty)
        // A minute of quiet refills to the burst of 5, not beyond.
        d.advance(to: 62_000)
        d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats((0..<7).map { "c\($0)" })))
        #expect(d.toBob.count == 14)
        #expect(d.paused == [FloodDriver.alice])
    }

    @Test func rateZeroRelaysAtOnce() {
        var d = FloodDriver(rate: 0)
        let lines = (0..<100).map { "line \($0)" }
        let effects = d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats(lines)))
        #expect(d.toBob.map(\.text) == lines)
        #expect(!effects.contains(.pauseReading(conn: FloodDriver.alice)))
        #expect(d.timers[.floodRelease(FloodDriver.alice)] == nil)
    }

    @Test func framesBehindAHeldChatWaitTheirTurn() {
        var d = FloodDriver(rate: 2, burst: 1)
        let bytes = FloodDriver.chats(["one", "two"]).array + FrameCodec.frame(.joinRequest(username: "again", color: "000000"))
        let first = d.step(.received(conn: FloodDriver.alice, bytes: Bytes(bytes)))
        #expect(!first.contains { if case .log(let l) = $0 { l.contains("protocol error") } else { false } })
        d.run(until: 500)
        // "two" first, then the second JoinRequest's protocol error: the order they were sent in.
        #expect(d.toBob.map(\.text) == ["one", "two"])
        #expect(d.app.room!.violations(of: FloodDriver.alice) == 1)
        #expect(d.paused.isEmpty)
    }

    @Test func aBadHeaderClosesOnlyOnceTheHeldChatsAreOut() {
        var d = FloodDriver(rate: 2, burst: 1)
        let first = d.step(.received(conn: FloodDriver.alice, bytes: Bytes(FloodDriver.chats(["one", "two"]).array + [0xFF, 0xFF, 0xFF, 0xFF])))
        #expect(!first.contains { if case .close = $0 { true } else { false } })
        d.run(until: 500)
        #expect(d.toBob.map(\.text) == ["one", "two"])
        #expect(!d.app.room!.isConnected(FloodDriver.alice))
    }

    @Test func aMemberWhoLeavesWhileHeldLeavesNothingBehind() {
        var d = FloodDriver(rate: 2, burst: 1)
        d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats(["one", "two", "three"])))
        let leave = d.step(.disconnected(conn: FloodDriver.alice, reason: "connection reset"))
        #expect(leave.contains(.cancelTimer(.floodRelease(FloodDriver.alice))))
        #expect(d.timers[.floodRelease(FloodDriver.alice)] == nil)
        // A release that was already on its way finds nothing to do.
        #expect(d.step(.timer(.floodRelease(FloodDriver.alice))).isEmpty)
        #expect(d.toBob.map(\.text) == ["one"])
    }

    @Test func bytesThatComeWhilePausedQueueBehindTheHeldOnes() {
        var d = FloodDriver(rate: 2, burst: 1)
        d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats(["one", "two"])))
        // An interpreter should not read a paused connection; if it does, nothing jumps the queue.
        d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats(["three"])))
        #expect(d.toBob.map(\.text) == ["one"])
        d.run(until: 10_000)
        #expect(d.toBob.map(\.text) == ["one", "two", "three"])
        #expect(d.toBob.map(\.at) == [0, 500, 1_000])
    }

    @Test func theHostIsNotLimitedAndJoiningCostsNoToken() {
        var d = FloodDriver(rate: 1, burst: 1)
        var host = ChatApp(config: AppConfig(role: .server, hostUID: Fix.hostUID, chatRate: 1, chatBurst: 1))
        _ = host.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "r"))
        _ = host.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "a", color: "000000"))))
        for i in 0..<10 {
            #expect(host.step(.inputLine("host \(i)")).effects.contains { if case .send(to: [Fix.c1], _) = $0 { true } else { false } })
        }
        // alice's JoinRequest and pychat sign cost nothing: her one token is still there.
        d.step(.received(conn: FloodDriver.alice, bytes: NegotiationTests.sign))
        d.step(.received(conn: FloodDriver.alice, bytes: FloodDriver.chats(["one"])))
        #expect(d.toBob.map(\.text) == ["one"])
    }
}
