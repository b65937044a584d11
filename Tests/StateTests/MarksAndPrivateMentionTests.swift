import Testing
@testable import ChatState

/// The members pane's marks (issue #15): `@` for ops, away members dimmed, on the TUI client
/// (from the server's `Marks`) and on the host's screen (from the room); and a private message
/// to you counting as a mention on both.
@Suite struct MarksAndPrivateMentionTests {
    static let conn = NewUserFixTests.conn

    /// alice on a pychat server that takes commands, bob and carol with her.
    static func client(cols: Int = 70) -> ChatApp {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice",
                                            terminal: TerminalSize(cols: cols, rows: 12)))
        _ = app.reduce(.connected(conn: conn, remote: "r"))
        let welcome = ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: ["commands"])))
        _ = app.reduce(.received(conn: conn, bytes: Bytes(welcome + Fix.serverInfo(
            [(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff"), (Fix.uid3, "carol", "00aa00")], for: Fix.uid1).array)))
        return app
    }

    static func pane(_ app: ChatApp) -> [String] { app.frame!.lines()[2...4].map { String($0.dropFirst(52)) } }

    @Test func theMarksMessageIsTheDocumentedBytes() throws {
        try DocumentedBytes.check([
            (.marks(Marks(ops: [Fix.hostUID], away: [])),
             #"{"type": "Marks", "ops": ["5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab"], "away": []}"#),
        ])
    }

    @Test func opsHaveAnAtAndAwayMembersAreDimmedAsTheServerSays() {
        var app = Self.client()
        #expect(Self.pane(app) == ["alice", "bob", "carol"])
        _ = app.reduce(.received(conn: Self.conn, bytes: Fix.marks([Fix.uid2], away: [Fix.uid3])))
        #expect(Self.pane(app) == ["alice", "@bob", "carol"])
        let f = app.frame!
        #expect(f[3, 52].style.foreground == .rgb(0, 0, 0xff))  // an op in its colour
        #expect(f[4, 52].style == LineFormat.quietStyle)         // away: grey and dim
        // The next Marks replaces them all.
        _ = app.reduce(.received(conn: Self.conn, bytes: Fix.marks([])))
        #expect(Self.pane(app) == ["alice", "bob", "carol"])
        #expect(app.frame![4, 52].style.foreground == .rgb(0, 0xaa, 0))
    }

    @Test func theHostsScreenMarksFromTheRoom() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.received(conn: Fix.c1, bytes: RoomCommandTests.say("/away lunch")))
        let rows = s.app.frame!.lines()[2...3].map { String($0.dropFirst(62)) }
        #expect(rows == ["@host", "alice"])
        #expect(s.app.frame![3, 62].style == LineFormat.quietStyle)
    }

    @Test func aPrivateMessageToYouIsAMentionOnTheClient() {
        var app = Self.client()
        let psst = ExtensionCodec.frame(.privateMessage(PrivateMessage(uid: Fix.uid2, from: "bob", color: RGB.cleaned("0000ff"),
                                                                       to: "alice", text: "psst", echo: false)))
        // The terminal never said where its focus is: it rings, and the title counts it once away.
        #expect(MentionTests.alerts(app.reduce(.received(conn: Self.conn, bytes: Bytes(psst))))
            == [.alert(title: "pychat: bob", body: "bob: [private] psst")])
        #expect(app.ui!.history.lines.last!.mentionsMe)
        _ = app.reduce(.key(.focusOut))
        _ = app.reduce(.received(conn: Self.conn, bytes: Bytes(psst)))
        #expect(app.title.hasSuffix("· 1 unread, 1 mention"), "\(app.title)")
        // Our own copy of one we sent is not.
        let echo = ExtensionCodec.frame(.privateMessage(PrivateMessage(uid: Fix.uid1, from: "alice", color: RGB.cleaned("ff8800"),
                                                                       to: "bob", text: "ok", echo: true)))
        #expect(MentionTests.alerts(app.reduce(.received(conn: Self.conn, bytes: Bytes(echo)))).isEmpty)
        #expect(!app.ui!.history.lines.last!.mentionsMe)
    }

    @Test func aPrivateMessageToTheHostIsAMentionOnItsScreen() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        let effects = s.reduce(.received(conn: Fix.c1, bytes: RoomCommandTests.say("/msg host psst")))
        #expect(MentionTests.alerts(effects) == [.alert(title: "pychat: alice", body: "alice: [private] psst")])
        #expect(s.app.ui!.history.lines.last!.mentionsMe)
    }
}
