import Testing
@testable import ChatState

/// The fixes a new user found (issue #15), as screens and states.
@Suite struct NewUserFixTests {
    static let conn = ConnID(0)

    /// A client joined to an original-like server as alice, with bob in the room.
    static func joinedClient(cols: Int = 40, rows: Int = 12, tls: Bool = false) -> ChatApp {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800",
                                            terminal: TerminalSize(cols: cols, rows: rows), tls: tls))
        _ = app.reduce(.connected(conn: conn, remote: "r"))
        _ = app.reduce(.received(conn: conn, bytes: Fix.serverInfo(
            [(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")], for: Fix.uid1)))
        return app
    }

    @Test func homeStopsWithTheOldestLineAtTheTop() {
        var u = UIState(size: TerminalSize(cols: 40, rows: 12))  // 5 history rows inside the border
        for n in 0..<30 { u.append(.system("line \(n)")) }
        _ = u.handle(.home)
        let rows = ChatView.render(u).lines()
        // Four lines from the oldest down, then the marker: no blank rows above or below.
        #expect(rows[1...5] == [
            "│line 0                                │",
            "│line 1                                │",
            "│line 2                                │",
            "│line 3                                │",
            "│ more below — End to jump             │",
        ])
        // Further up does nothing; one line down shows the next.
        _ = u.handle(.pageUp)
        #expect(ChatView.render(u).lines()[1] == "│line 0                                │")
        _ = u.handle(.down)
        #expect(ChatView.render(u).lines()[1] == "│line 1                                │")
    }

    @Test func homeWithLongLinesShowsTheOldestFromItsFirstRow() {
        var u = UIState(size: TerminalSize(cols: 22, rows: 12))  // 20 columns inside
        u.append(.system("the oldest line, long enough to wrap twice over"))
        for n in 0..<10 { u.append(.system("line \(n)")) }
        _ = u.handle(.home)
        let rows = ChatView.render(u).lines()
        #expect(rows[1] == "│the oldest line,    │")
        #expect(rows[4] == "│line 0              │")
    }

    @Test func aRefusedMessageStaysInTheInput() {
        var app = Self.joinedClient()
        let long = String(repeating: "x", count: Limits.maxTextLength + 1)
        _ = app.reduce(.key(.tab))
        _ = app.reduce(.key(.paste(long)))
        let effects = app.reduce(.key(.enter))
        #expect(!effects.contains { if case .send = $0 { true } else { false } })
        #expect(app.ui!.input.text == long)
        #expect(app.ui!.history.lines.last?.kind == .notice)
        // Trimmed, it goes.
        _ = app.reduce(.key(.backspace))
        let sent = app.reduce(.key(.enter))
        #expect(sent.contains { if case .send = $0 { true } else { false } })
        #expect(app.ui!.input.isEmpty)
    }

    @Test func aPasteEndingWithANewlineSendsNoEmptyLastLine() {
        var u = UIState(size: TerminalSize(cols: 40, rows: 12))
        _ = u.handle(.paste("first\nsecond\n"))
        #expect(u.handle(.enter) == .submit("first\nsecond"))
        _ = u.handle(.paste("\n\n"))
        #expect(u.handle(.enter) == nil)
    }

    @Test func connectionLinesOnTheHostsScreenAreDimmed() {
        let f = AppWithUITests.hostWithAlice(TerminalSize(cols: 60, rows: 12)).frame!
        #expect(f.lines()[2].hasPrefix("│Established connection: remote_address a"))
        #expect(f[2, 1].style.dim && !f[1, 1].style.dim && !f[3, 1].style.dim)
    }

    @Test func theTitleSaysWhetherTheSessionIsEncrypted() {
        #expect(Self.joinedClient(tls: true).title == "alice @ h:1 · 2 users · TLS")
        #expect(Self.joinedClient(tls: false).title == "alice @ h:1 · 2 users · not encrypted")
    }

    /// A plain client dialling a TLS server: the server's alert is no frame; the session says so.
    @Test func aTLSRecordFromTheServerAsksForSSL() {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, terminal: TerminalSize(cols: 60, rows: 12)))
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        let effects = app.reduce(.received(conn: Self.conn, bytes: Bytes([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])))
        #expect(effects.contains(.quit(code: ExitCode.serverGone,
                                       message: "Disconnected from server: the server speaks TLS: did you mean --ssl?")))
    }

    @Test func aServerThatHangsUpUnheardMayBeATLSServer() {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1))
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        let effects = app.reduce(.disconnected(conn: Self.conn, reason: "closed by peer"))
        #expect(effects.contains { if case .quit(_, let m?) = $0 { m.hasSuffix("(if the server speaks TLS: did you mean --ssl?)") } else { false } })
        // Once the server has spoken, a close is only a close; and a TLS session never hints.
        var joined = Self.joinedClient()
        #expect(joined.reduce(.disconnected(conn: Self.conn, reason: "closed by peer")).contains(
            .quit(code: ExitCode.serverGone, message: "Disconnected from server: closed by peer")))
        var tls = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, tls: true))
        _ = tls.reduce(.connected(conn: Self.conn, remote: "r"))
        #expect(tls.reduce(.disconnected(conn: Self.conn, reason: "closed by peer")).contains(
            .quit(code: ExitCode.serverGone, message: "Disconnected from server: closed by peer")))
    }
}
