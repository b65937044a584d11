import Testing
@testable import ChatState

@Suite struct InputBufferTests {
    @Test func editingByGrapheme() {
        var b = InputBuffer()
        b.insert("he👨‍👩‍👧llo")
        #expect(b.cursor == 6)
        b.left(); b.left(); b.left()
        #expect(b.cursor == 3)
        b.backspace()
        #expect(b.text == "hello")
        b.insert("é")
        #expect(b.text == "heéllo")
        b.home()
        b.deleteForward()
        #expect(b.text == "eéllo" && b.cursor == 0)
        b.end()
        #expect(b.cursor == 5)
        b.right()
        #expect(b.cursor == 5)
        b.backspace(); b.backspace()
        #expect(b.text == "eél")
    }

    @Test func killCommands() {
        var b = InputBuffer("one two  three")
        b.killWordBack()
        #expect(b.text == "one two  ")
        b.killWordBack()
        #expect(b.text == "one ")
        b = InputBuffer("abc def", cursor: 3)
        b.killToLineEnd()
        #expect(b.text == "abc" && b.cursor == 3)
        b = InputBuffer("abc def", cursor: 4)
        b.killToLineStart()
        #expect(b.text == "def" && b.cursor == 0)
    }

    @Test func multiLineMovement() {
        var b = InputBuffer("first line\nab\nthird line")
        // At the end of "third line" (column 10): up goes to the end of "ab" (column 2).
        do { let r = b.lineUp(); #expect(r) }
        #expect(b.cursor == 13)
        do { let r = b.lineUp(); #expect(r) }
        #expect(b.cursor == 2)
        do { let r = b.lineUp(); #expect(!r) }
        do { let r = b.lineDown(); #expect(r) }
        #expect(b.cursor == 13)
        do { let r = b.lineDown(); #expect(r) }
        #expect(b.cursor == 16)
        do { let r = b.lineDown(); #expect(!r) }
        b.home()
        #expect(b.cursor == 14)
        b.killToLineEnd()
        #expect(b.text == "first line\nab\n")
    }
}

@Suite struct UIStateTests {
    func ui(rows: Int = 20) -> UIState { UIState(size: TerminalSize(cols: 80, rows: rows)) }

    @Test func focusStartsOnHistoryAndTabRotates() {
        var u = ui()
        #expect(u.focus == .history)
        do { let r = u.handle(.tab); #expect(r == nil) }
        #expect(u.focus == .input)
        _ = u.handle(.tab)
        #expect(u.focus == .history)
        _ = u.handle(.backTab)
        #expect(u.focus == .input)
    }

    @Test func typingAndReturn() {
        var u = ui()
        // Typing while the history has focus moves focus to the input.
        do { let r = u.handle(.text("hi")); #expect(r == nil) }
        #expect(u.focus == .input)
        _ = u.handle(.paste(" there\nsecond line"))
        #expect(u.input.text == "hi there\nsecond line")
        do { let r = u.handle(.enter); #expect(r == .submit("hi there\nsecond line")) }
        #expect(u.input.isEmpty)
        // An empty input is not submitted (the original sends it).
        do { let r = u.handle(.enter); #expect(r == nil) }
        _ = u.handle(.text("  "))
        do { let r = u.handle(.enter); #expect(r == nil) }
        #expect(u.input.isEmpty)
    }

    @Test func ctrlCAndCtrlD() {
        var u = ui()
        do { let r = u.handle(.ctrl("c")); #expect(r == .quit) }
        _ = u.handle(.text("abc"))
        _ = u.handle(.home)
        do { let r = u.handle(.ctrl("d")); #expect(r == nil) }
        #expect(u.input.text == "bc")
        do { let r = u.handle(.ctrl("c")); #expect(r == nil) }
        #expect(u.input.isEmpty)
        do { let r = u.handle(.ctrl("d")); #expect(r == .quit) }
    }

    @Test func scrollingKeepsTheViewAndCountsWhatArrivesBelow() {
        var u = ui(rows: 12)  // history pane: 12 - 5 rows, less a border of 2: pages of 5
        for n in 0..<30 { u.append(.system("line \(n)")) }
        #expect(u.scrollOffset == 0)
        _ = u.handle(.up)
        #expect(u.scrollOffset == 1)
        _ = u.handle(.pageUp)
        #expect(u.scrollOffset == 6)
        u.append(.system("new"))
        u.append(.system("newer"))
        #expect(u.scrollOffset == 8)
        #expect(u.unseen == 2)
        _ = u.handle(.pageDown)
        #expect(u.scrollOffset == 3 && u.unseen == 2)
        _ = u.handle(.end)
        #expect(u.scrollOffset == 0 && u.unseen == 0)
        // Home stops with the oldest line at the top: 32 lines, 4 rows above the marker.
        _ = u.handle(.home)
        #expect(u.scrollOffset == 28)
        _ = u.handle(.wheelDown)
        #expect(u.scrollOffset == 25)
        // The wheel scrolls whichever pane has focus; arrows in the input scroll at its edges.
        _ = u.handle(.tab)
        _ = u.handle(.wheelUp)
        #expect(u.scrollOffset == 28)
        _ = u.handle(.down)
        #expect(u.scrollOffset == 27)
    }

    @Test func historyKeepsTheNewestLines() {
        var u = UIState(size: TerminalSize(cols: 80, rows: 8), historyCapacity: 3)  // one row of history
        for n in 0..<5 { u.append(.system("\(n)")) }
        #expect(u.history.lines == [.system("2"), .system("3"), .system("4")])
        _ = u.handle(.home)
        #expect(u.scrollOffset == 2)
        u.append(.system("5"))
        #expect(u.scrollOffset == 2)
        #expect(u.history.lines.map(\.text) == ["3", "4", "5"])
    }

    @Test func defaultHistoryCapacity() {
        var u = ui()
        for n in 0..<(Limits.historyLines + 5) { u.append(.system("\(n)")) }
        #expect(u.history.count == 10_000)
        #expect(u.history[0].text == "5")
    }

    @Test func resize() {
        var u = ui()
        u.resize(TerminalSize(cols: 3, rows: -1))
        #expect(u.size == TerminalSize(cols: 3, rows: 0))
    }
}

@Suite struct AppWithUITests {
    /// A server with its host user on a screen, alice connected (from "a") and joined.
    static func hostWithAlice(_ size: TerminalSize = TerminalSize(cols: 80, rows: 24)) -> ChatApp {
        var app = ChatApp(config: AppConfig(role: .server, username: "host", hostUID: Fix.hostUID, terminal: size))
        _ = app.reduce(.listening(host: "0.0.0.0", port: 8080))
        _ = app.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = app.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        return app
    }

    @Test func serverHostTypesIntoTheRoom() {
        var app = Self.hostWithAlice()
        for key: Key in [.tab, .text("hé"), .text("llo"), .enter] { _ = app.reduce(.key(key)) }
        #expect(app.ui?.history.lines == [
            .notice("Server started on 0.0.0.0:8080"),
            .notice("Established connection: remote_address a").quieted,
            .system("alice joined the chat"),
            .chat("host", .defaultUser, "héllo"),
        ])
        do { let r = app.reduce(.key(.ctrl("c"))); #expect(r == [.quit(code: 0, message: nil)]) }
        _ = app.reduce(.resize(cols: 100, rows: 30))
        #expect(app.ui?.size == TerminalSize(cols: 100, rows: 30))
    }

    @Test func aHostUserWithoutATerminalGetsTheTranscript() {
        // TERM=dumb: the host user types lines and reads the transcript on standard output.
        var app = ChatApp(config: AppConfig(role: .server, username: "host", hostUID: Fix.hostUID))
        #expect(app.reduce(.listening(host: "::", port: 1)) == [.print("* Server started on :::1"), .log("listening on :::1")])
        // A daemon (no host user) only logs.
        var daemon = ChatApp(config: AppConfig(role: .server))
        #expect(daemon.reduce(.listening(host: "::", port: 1)) == [.log("listening on :::1")])
    }

    @Test func clientWithUIShowsInsteadOfPrinting() {
        var app = ChatApp(config: AppConfig(role: .client, terminal: TerminalSize(cols: 80, rows: 24)))
        let effects = app.reduce(.connected(conn: ConnID(0), remote: "r"))
        #expect(effects == [.send(to: [ConnID(0)], bytes: NegotiationTests.sign),
                            .send(to: [ConnID(0)], bytes: Fix.frame(.joinRequest(username: "Anonymous", color: "000000")))])
        #expect(app.ui?.history.lines == [.notice("Connected to server 0.0.0.0:8080")])
    }
}
