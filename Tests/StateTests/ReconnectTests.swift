import Testing
@testable import ChatState

/// A client that loses its server (issue #13): the backoff schedule and its jitter, the waiting
/// phase and its words, pending lines, Ctrl-C, `--no-reconnect`, and rejoining an original
/// server with nothing it would throw on. Every step states its effects exactly.
@Suite struct ReconnectTests {
    static let policy = ResumePair.policy
    static let config = ResumePair.clientConfig
    let server = ConnID(0)
    let orange = RGB(r: 255, g: 136, b: 0)

    /// Seconds as the waiting line shows them: rounded, at least 1 while any remain.
    func secs(_ millis: Int64) -> Int64 { millis <= 0 ? 0 : max(1, (millis + 500) / 1000) }

    func table() -> Bytes { Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alice", "ff8800")], for: Fix.uid1) }

    /// Joined to an original server (no welcome: nothing but the original protocol).
    func joinedToAnOriginal(_ config: AppConfig = ReconnectTests.config) -> TestStore {
        var s = TestStore(config)
        _ = s.reduce(.connected(conn: server, remote: "127.0.0.1:8080"))
        _ = s.reduce(.received(conn: server, bytes: table()))
        return s
    }

    // MARK: The schedule

    @Test func theBackoffDoublesFromOneSecondToItsCapOfSixty() {
        let bases = (1...10).map { Backoff.base(attempt: $0, policy: Self.policy) }
        #expect(bases == [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000])
        // Huge attempt counts neither overflow nor pass the cap.
        #expect(Backoff.base(attempt: 10_000, policy: Self.policy) == 60000)
    }

    @Test func theJitterSpreadsEachDelayByAQuarterEitherWayWithinTheCap() {
        for attempt in 1...9 {
            let base = Backoff.base(attempt: attempt, policy: Self.policy)
            let low = Backoff.delay(attempt: attempt, policy: Self.policy, draw: 0)
            let high = Backoff.delay(attempt: attempt, policy: Self.policy, draw: UInt64(base / 2))
            #expect(low == base - base / 4)
            #expect(high == min(60000, base + base / 4))
            for draw: UInt64 in [1, 999, 123_456_789, .max] {
                let d = Backoff.delay(attempt: attempt, policy: Self.policy, draw: draw)
                #expect(d >= low && d <= high)
            }
        }
        // The same seed gives the same schedule (a recording replays it); another seed another.
        var a = Backoff(Self.policy), b = Backoff(Self.policy)
        var c = Backoff(ReconnectPolicy(seed: 43, session: ResumePair.session))
        let first = (1...6).map { a.delay(attempt: $0) }
        #expect(first == (1...6).map { b.delay(attempt: $0) })
        #expect(first != (1...6).map { c.delay(attempt: $0) })
    }

    // MARK: Losing the server

    @Test func losingTheServerWaitsOnTheScheduleThenDialsAgain() {
        var s = joinedToAnOriginal()
        var jitter = Backoff(Self.policy)
        let first = jitter.delay(attempt: 1)
        s.send(.disconnected(conn: server, reason: "closed by peer"), [
            .print("* Disconnected from server: closed by peer"),
            .print("* disconnected: reconnecting in \(secs(first)) s, attempt 1"),
            .close(conn: server, reason: "closed by peer"),
            .log("disconnected: closed by peer"),
            .setTimer(.reconnect, millis: Int(first)),
        ], shows: [.notice("Disconnected from server: closed by peer"),
                   .notice("disconnected: reconnecting in \(secs(first)) s, attempt 1")])
        #expect(s.session.phase == .waiting(attempt: 1, dueMillis: first))
        s.send(.timer(.reconnect), [.cancelTimer(.reconnectTick), .connect])
        #expect(s.session.phase == .connecting)
        // A refused dial waits longer each time; the user is told each time.
        let second = jitter.delay(attempt: 2)
        s.send(.time(Instant(monotonicMillis: 5000)), [])
        s.send(.dialFailed(reason: "Connection refused"), [
            .print("* disconnected: reconnecting in \(secs(second)) s, attempt 2"),
            .log("reconnect attempt 1 failed: Connection refused"),
            .setTimer(.reconnect, millis: Int(second)),
        ], shows: [.notice("disconnected: reconnecting in \(secs(second)) s, attempt 2")])
        #expect(s.session.phase == .waiting(attempt: 2, dueMillis: 5000 + second))
        // Then the server is back: joined again, and the count starts over.
        _ = s.reduce(.timer(.reconnect))
        _ = s.reduce(.connected(conn: ConnID(1), remote: "127.0.0.1:8080"))
        _ = s.reduce(.received(conn: ConnID(1), bytes: table()))
        #expect(s.session.phase == .joined)
        #expect(s.session.link.attempt == 0)
    }

    @Test func theTitleAndTheLastLineSayWhenTheNextAttemptIs() {
        var app = disconnectedWithAScreen(cols: 100)
        for attempt in 1...3 {
            if attempt > 1 {
                #expect(app.reduce(.dialFailed(reason: "Connection refused")).contains(.setTimer(.reconnectTick, millis: 1000)))
            }
            guard case let .waiting(n, due)? = app.session?.phase else { Issue.record("not waiting"); return }
            #expect(n == attempt)
            let seconds = secs(due - (app.session?.now ?? 0))
            let words = "disconnected: reconnecting in \(seconds) s, attempt \(attempt)"
            #expect(app.title == "127.0.0.1:8080 · " + words)
            #expect(app.ui?.history.lines.last == .notice(words))
            #expect(app.frame!.lines()[0].contains(words))
            // The countdown moves with the clock, a tick a second.
            _ = app.reduce(.time(Instant(monotonicMillis: due - 1000)))
            #expect(app.reduce(.timer(.reconnectTick)) == [.setTimer(.reconnectTick, millis: 1000)])
            #expect(app.title.hasSuffix("reconnecting in 1 s, attempt \(attempt)"))
            _ = app.reduce(.time(Instant(monotonicMillis: due)))
            #expect(app.reduce(.timer(.reconnect)) == [.cancelTimer(.reconnectTick), .connect])
            #expect(app.title == "reconnecting to 127.0.0.1:8080…, attempt \(attempt)")
        }
    }

    // Without a policy (`--no-reconnect`) losing the server ends the session with code 3:
    // `ClientSessionTests.serverGoingAwayQuits`.

    /// With a terminal, joined to an original server; then the server goes away.
    func disconnectedWithAScreen(cols: Int = 80) -> ChatApp {
        var config = Self.config
        config.terminal = TerminalSize(cols: cols, rows: 24)
        var app = ChatApp(config: config)
        _ = app.reduce(.connected(conn: server, remote: "r"))
        _ = app.reduce(.received(conn: server, bytes: table()))
        _ = app.reduce(.disconnected(conn: server, reason: "closed by peer"))
        return app
    }

    /// Where the session was cut is marked: the "new since you were here" line goes above the
    /// first line after the disconnect notice (the rejoin and what the server missed follow).
    @Test func aReconnectMarksWhereTheNewLinesBegin() throws {
        var app = disconnectedWithAScreen()
        #expect(!(app.frame?.lines().contains { $0.contains("new since you were here") } ?? true))
        _ = app.reduce(.timer(.reconnect))
        _ = app.reduce(.connected(conn: server, remote: "r"))
        _ = app.reduce(.received(conn: server, bytes: table()))
        _ = app.reduce(.received(conn: server, bytes: Fix.frame(.chat(uid: Fix.hostUID, text: "while you were gone"))))
        let rows = app.frame!.lines()
        let marker = try #require(rows.firstIndex { $0.contains("new since you were here") }, "\(rows)")
        let disconnected = try #require(rows.firstIndex { $0.contains("Disconnected from server") })
        let said = try #require(rows.firstIndex { $0.contains("while you were gone") })
        #expect(disconnected < marker && marker < said, "\(rows)")
    }

    @Test func ctrlCWhileWaitingToReconnectQuits() {
        var app = disconnectedWithAScreen()
        #expect(app.reduce(.key(.ctrl("c"))) == [.quit(code: ExitCode.ok, message: nil)])
        // And while dialling, too.
        _ = app.reduce(.timer(.reconnect))
        #expect(app.reduce(.key(.ctrl("c"))) == [.quit(code: ExitCode.ok, message: nil)])
    }

    // MARK: Pending lines and an original server

    @Test func linesTypedWhileDisconnectedArePendingThenSentOnceInOrder() {
        var app = disconnectedWithAScreen()
        _ = app.reduce(.key(.text("one")))
        // Kept for input history, and nothing sent.
        #expect(app.reduce(.key(.enter)) == [.remember("one")])
        _ = app.reduce(.inputLine("two"))
        _ = app.reduce(.key(.text("being typed")))
        // Shown dimmed and marked below the history, not in it; the input keeps what is typed.
        #expect(app.session?.pendingLines.map(\.text) == ["(pending) one", "(pending) two"])
        #expect(app.session?.pendingLines.allSatisfy(\.pending) == true)
        #expect(!(app.ui?.history.lines.contains { $0.text.contains("one") } ?? true))
        let frame = app.frame!
        // A renderer's cache sees the pending lines too (and must not keep them; below).
        var cache = WrapCache()
        #expect(app.frame(cache: &cache) == frame)
        let row = frame.lines().firstIndex { $0.contains("(pending) one") }
        #expect(row != nil)
        if let row { #expect(frame[row, 13].style.dim) }
        // Rejoined (an original server: no welcome): sent as the original's ChatMessage, in order, once.
        _ = app.reduce(.timer(.reconnect))
        let hello = app.reduce(.connected(conn: ConnID(1), remote: "r"))
        let rejoined = app.reduce(.received(conn: ConnID(1), bytes: table()))
        let chats = rejoined.compactMap { e -> Bytes? in if case let .send(_, b) = e { return b } else { return nil } }
        #expect(chats == [Fix.frame(.chat(uid: Fix.uid1, text: "one")), Fix.frame(.chat(uid: Fix.uid1, text: "two"))])
        #expect(app.session?.pendingLines == [])
        // The lines sent take the places the pending ones had: drawn as sent, not as pending.
        #expect(app.frame(cache: &cache) == app.frame)
        #expect(!(app.frame?.lines().contains { $0.contains("(pending)") } ?? true))
        #expect(app.ui?.history.lines.filter { $0 == .chat("alice", orange, "one") }.count == 1)
        #expect(app.ui?.input.text == "being typed")
        // Nothing an original server would throw on: the sign is a SystemMessage it takes in
        // silence, then the JoinRequest; kind 1 only.
        for case let .send(_, b) in hello + rejoined { #expect(b.array[4] == FrameCodec.jsonKind) }
        #expect(hello.contains(.send(to: [ConnID(1)], bytes: Bytes(PeerSign.frame(.ours)))))
        #expect(app.reduce(.inputLine("three")) == [.send(to: [ConnID(1)], bytes: Fix.frame(.chat(uid: Fix.uid1, text: "three")))])
    }

    @Test func aHeadlessClientWithInputEndedWaitsUntilItsLinesAreHandedOver() {
        var s = joinedToAnOriginal()
        _ = s.reduce(.disconnected(conn: server, reason: "closed by peer"))
        _ = s.reduce(.inputLine("last words"))
        s.send(.inputClosed, [])
        _ = s.reduce(.timer(.reconnect))
        _ = s.reduce(.connected(conn: ConnID(1), remote: "r"))
        let effects = s.reduce(.received(conn: ConnID(1), bytes: table()))
        #expect(effects.suffix(2) == [.send(.chat(uid: Fix.uid1, text: "last words"), to: ConnID(1)),
                                      .quit(code: ExitCode.ok, message: nil)])
    }
}
