import Testing
@testable import ChatState

/// A kicked or banned pychat client does not reconnect (issue #14): a real room and a real
/// reconnecting client wired byte for byte (`ResumePair`), the server's `Removed` frame, the
/// client's last line and exit code; and what an original client is sent, unchanged.
@Suite struct RemovalTests {
    static let t0: Int64 = 1_700_000_000_000  // 2023-11-14 22:13:20 UTC

    /// The client's clock with the wall time and a zone, as the interpreter tells it.
    static func clientTime(_ p: inout ResumePair, offset: Int = 0) {
        p.clientStep(.time(Instant(monotonicMillis: p.now, wallMillis: t0 + p.now, utcOffsetSeconds: offset)))
    }

    /// The server closed the connection it said it would: the interpreter reports it.
    static func serverCloses(_ p: inout ResumePair) {
        p.pump()
        guard let c = p.conn else { return }
        p.conn = nil
        p.clientStep(.disconnected(conn: c, reason: "closed by peer"))
    }

    static func reconnects(_ effects: [Effect]) -> Bool {
        effects.contains { if case .setTimer(.reconnect, _) = $0 { true } else if case .connect = $0 { true } else { false } }
    }

    @Test func theMessageIsTheDocumentedBytes() throws {
        try DocumentedBytes.check([
            (.removed(Removal(.kicked, by: "bob", reason: "spam")),
             #"{"type": "Removed", "how": "kicked", "by": "bob", "reason": "spam", "until": null}"#),
            (.removed(Removal(.banned, by: "bob", reason: nil, untilWallMillis: 1_700_003_600_000)),
             #"{"type": "Removed", "how": "banned", "by": "bob", "reason": null, "until": 1700003600000}"#),
        ])
        #expect(throws: DecodeError.self) {
            try ExtensionCodec.decode(Array(#"{"type": "Removed", "how": "evicted", "by": "bob", "reason": null, "until": null}"#.utf8))
        }
    }

    @Test func theLastLineSaysWhoWhyAndUntilWhenInTheUsersZone() {
        let ban = Removal(.banned, by: "bob", reason: "flood", untilWallMillis: Self.t0 + 3_600_000)
        #expect(ban.lastLine(now: Self.t0, offsetSeconds: 0) == "banned by bob until 23:13: flood")
        // An hour east of UTC the ban ends after midnight: another day, so the day is said.
        #expect(ban.lastLine(now: Self.t0, offsetSeconds: 3600) == "banned by bob until Wednesday 15 November 2023 00:13: flood")
        #expect(Removal(.banned, by: "bob", reason: nil).lastLine(now: Self.t0, offsetSeconds: 0) == "banned by bob")
        #expect(Removal(.kicked, by: "bob", reason: "spam").lastLine(now: nil, offsetSeconds: 0) == "kicked by bob: spam")
        // The op's name and the reason are a peer's text: no control character reaches a line.
        #expect(Removal(.kicked, by: "b\u{1B}[2Job", reason: "x\u{7}y").lastLine(now: nil, offsetSeconds: 0) == "kicked by b[2Job: xy")
    }

    @Test func aKickedClientStopsWithItsLastLineAndDoesNotReconnect() {
        var p = ResumePair()
        Self.clientTime(&p)
        p.clientEffects = []
        _ = p.serverStep(.inputLine("/kick alice spam"))
        Self.serverCloses(&p)
        #expect(p.shown.suffix(2).map(\.text) == ["host kicked alice: spam", "kicked by host: spam"])
        #expect(p.client.session!.phase == .disconnected(reason: "kicked by host: spam"))
        #expect(!Self.reconnects(p.clientEffects), "\(p.clientEffects)")
        // Headless: the session ends at once, with the code for it.
        #expect(p.clientEffects.contains(.quit(code: ExitCode.removed, message: nil)))
        #expect(p.client.session!.quitCode == ExitCode.removed)
    }

    @Test func aBannedClientIsToldUntilWhenAndIsToldAgainWhenItComesBack() {
        var p = ResumePair()
        Self.clientTime(&p)
        _ = p.serverStep(.inputLine("/ban alice 1h spam"))
        Self.serverCloses(&p)
        #expect(p.shown.last?.text == "banned by host until 23:13: spam")
        #expect(!Self.reconnects(p.clientEffects))
        // Started again by its user, the client is refused at its JoinRequest, and told why in
        // both ways: the SystemMessage every client reads, then the `Removed` that stops it.
        p.client = ChatApp(config: ResumePair.clientConfig)
        p.shown = []
        p.clientEffects = []
        p.tick(60_000)
        Self.clientTime(&p)
        p.connect()
        Self.serverCloses(&p)
        #expect(p.shown.map(\.text) == ["Connected to server 127.0.0.1:8080",
                                        "Connection refused: you are banned from this server by host for 59m more: spam",
                                        "banned by host until 23:13: spam"])
        #expect(!Self.reconnects(p.clientEffects))
        #expect(p.clientEffects.contains(.quit(code: ExitCode.removed, message: nil)))
    }

    @Test func onTheScreenTheChatStaysUntilTheUserQuitsAndThenTheCodeSaysWhy() {
        var config = ResumePair.clientConfig
        config.terminal = TerminalSize(cols: 80, rows: 24)
        var p = ResumePair(config: config)
        Self.clientTime(&p)
        p.clientEffects = []
        _ = p.serverStep(.inputLine("/kick alice spam"))
        Self.serverCloses(&p)
        #expect(!p.clientEffects.contains { if case .quit = $0 { true } else { false } })
        #expect(p.client.title == "127.0.0.1:8080 · kicked by host: spam · Ctrl-C quits")
        #expect(p.client.ui!.history.lines.last?.text == "kicked by host: spam")
        #expect(p.client.reduce(.key(.ctrl("c"))) == [.quit(code: ExitCode.removed, message: "kicked by host: spam")])
    }

    @Test func anOriginalClientIsSentOnlyTheLineItAlwaysWas() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(ModerationTests.at(0))
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "10.0.0.1:1", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.timer(.announce))
        let kick = s.reduce(.inputLine("/kick alice"))
        #expect(kick.compactMap { if case let .send(to, _) = $0 { to } else { nil } } == [[Fix.c1]])
        #expect(kick.contains(.send(.system(text: "host kicked alice"), to: Fix.c1)))
    }
}
