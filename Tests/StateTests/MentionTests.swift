import Testing
@testable import ChatState

/// A line that names you: highlighted; the bell and a notification while the terminal is not
/// focused (never as control codes); unread and mention counts in the title, and a line where
/// you left off.
@Suite struct MentionTests {
    static func chat(_ text: String, from uid: UID = Fix.uid2) -> Event {
        .received(conn: NewUserFixTests.conn, bytes: Fix.frame(.chat(uid: uid, text: text)))
    }

    static func alerts(_ effects: [Effect]) -> [Effect] {
        effects.filter { if case .alert = $0 { true } else { false } }
    }

    @Test func aNameIsAWordInAnyCase() {
        #expect(Mention.names("alice", in: "hi Alice!"))
        #expect(Mention.names("alice", in: "ALICE"))
        #expect(Mention.names("alice", in: "so, alice: look"))
        #expect(!Mention.names("alice", in: "malice aforethought"))
        #expect(!Mention.names("alice", in: "alice2 is here"))
        #expect(!Mention.names("bob", in: "bobby"))
        #expect(Mention.names("Zoë", in: "where is zoë?"))
        #expect(!Mention.names("", in: "anything"))
    }

    @Test func aMentionIsHighlightedAndRingsWhileTheTerminalIsAway() {
        var app = NewUserFixTests.joinedClient(cols: 40)
        // A terminal that never said where its focus is: a mention rings.
        #expect(Self.alerts(app.reduce(Self.chat("hey alice, lunch?"))) == [.alert(title: "pychat: bob", body: "bob: hey alice, lunch?")])
        #expect(app.ui!.history.lines.last!.mentionsMe)
        let f = app.frame!
        #expect(f.lines()[2] == "│       bob:  hey alice, lunch?        │")
        #expect(f[2, 8].style.bold && f[2, 8].style.background == LineFormat.mentionBackground)
        // Focused: highlighted, but silent. A line that does not name us: neither.
        _ = app.reduce(.key(.focusIn))
        #expect(Self.alerts(app.reduce(Self.chat("alice?"))).isEmpty)
        #expect(app.ui!.history.lines.last!.mentionsMe)
        _ = app.reduce(.key(.focusOut))
        #expect(Self.alerts(app.reduce(Self.chat("malice"))).isEmpty)
        #expect(!app.ui!.history.lines.last!.mentionsMe)
        // Our own line never mentions us.
        _ = app.reduce(.key(.tab))
        _ = app.reduce(.key(.text("I am alice")))
        #expect(Self.alerts(app.reduce(.key(.enter))).isEmpty)
        #expect(!app.ui!.history.lines.last!.mentionsMe)
    }

    @Test func noNotifyKeepsTheHighlightOnly() {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice",
                                            terminal: TerminalSize(cols: 40, rows: 12), notify: false))
        _ = app.reduce(.connected(conn: NewUserFixTests.conn, remote: "r"))
        _ = app.reduce(.received(conn: NewUserFixTests.conn, bytes: Fix.serverInfo(
            [(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")], for: Fix.uid1)))
        #expect(Self.alerts(app.reduce(Self.chat("alice!"))).isEmpty)
        #expect(app.ui!.history.lines.last!.mentionsMe)
    }

    @Test func aHostileNotificationCarriesNoControlCodes() {
        let body = Mention.notificationText("bob: alice \u{1b}]0;pwned\u{07};x\u{9b}2J\u{202e}evil\nnext" + String(repeating: "y", count: 500))
        #expect(body.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7f...0x9f).contains($0.value) && $0 != ";" })
        #expect(body.hasPrefix("bob: alice ]0pwnedx2Jevil next"))
        #expect(body.count == Mention.maxNotificationCharacters)
    }

    @Test func awayCountsUnreadAndMarksWhereYouLeftOff() {
        var app = NewUserFixTests.joinedClient(cols: 50)
        _ = app.reduce(Self.chat("before"))
        _ = app.reduce(.key(.focusOut))
        _ = app.reduce(Self.chat("while away"))
        _ = app.reduce(Self.chat("alice, are you there?"))
        #expect(app.title == "alice @ h:1 · 2 users · not encrypted · 2 unread, 1 mention")
        #expect(app.frame!.lines()[2...5] == [
            "│       bob:  before                             │",
            "│── new since you were here ──                   │",
            "│       bob:  while away                         │",
            "│       bob:  alice, are you there?              │",
        ])
        // Back: the counts go, the line stays where it was until the next time away.
        _ = app.reduce(.key(.focusIn))
        #expect(app.title == "alice @ h:1 · 2 users · not encrypted")
        _ = app.reduce(Self.chat("welcome back"))
        _ = app.reduce(.key(.focusOut))
        _ = app.reduce(Self.chat("gone again"))
        let rows = app.frame!.lines()
        #expect(rows.filter { $0.contains("new since you were here") }.count == 1)
        #expect(rows[4] == "│── new since you were here ──                   │")
        #expect(rows[5] == "│       bob:  gone again                         │")
    }

    /// Scrolled up to read, with the terminal focused: the first line that arrives meanwhile
    /// gets the marker above it, and End shows where the new lines begin.
    @Test func scrollingAwayMarksWhereTheNewLinesBegin() {
        var app = NewUserFixTests.joinedClient(cols: 50)
        _ = app.reduce(.key(.focusIn))
        for n in 1...20 { _ = app.reduce(Self.chat("old \(n)")) }
        _ = app.reduce(.key(.pageUp))
        _ = app.reduce(Self.chat("new 1"))
        _ = app.reduce(Self.chat("new 2"))
        #expect(app.title == "alice @ h:1 · 2 users · not encrypted")  // focused: nothing unread
        _ = app.reduce(.key(.end))
        let rows = app.frame!.lines()
        #expect(rows.filter { $0.contains("new since you were here") }.count == 1)
        let marker = rows.firstIndex { $0.contains("new since you were here") }
        #expect(marker.map { rows[$0 - 1].contains("old 20") && rows[$0 + 1].contains("new 1") } == true, "\(rows)")
    }
}
