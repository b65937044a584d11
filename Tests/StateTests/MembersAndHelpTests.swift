import Testing
@testable import ChatState

/// The members pane beside the history (Ctrl-N; hidden when narrow) and F1's keys.
@Suite struct MembersAndHelpTests {
    static func client(cols: Int, rows: Int = 12) -> ChatApp {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice",
                                            terminal: TerminalSize(cols: cols, rows: rows)))
        _ = app.reduce(.connected(conn: NewUserFixTests.conn, remote: "r"))
        _ = app.reduce(.received(conn: NewUserFixTests.conn, bytes: Fix.serverInfo(
            [(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff"), (Fix.uid3, "carol", "00aa00")], for: Fix.uid1)))
        return app
    }

    @Test func membersBesideTheHistoryInTheirColours() {
        var app = Self.client(cols: 70)
        let f = app.frame!
        // The history's border ends at column 49, the pane's edge is column 50.
        #expect(f.lines()[0].hasSuffix("─┐│"))
        #expect(f.lines()[1...5].map { String($0.dropFirst(49)) } == ["││ 3 here", "││ alice", "││ bob", "││ carol", "││"])
        #expect(f[3, 52].style.foreground == .rgb(0, 0, 0xff) && f[3, 52].style.background == ChatView.chatBackground)
        // Ctrl-N hides it: the history takes the whole width.
        _ = app.reduce(.key(.ctrl("n")))
        #expect(app.frame!.lines()[0].hasSuffix("─┐") && !app.frame!.lines()[1].contains("here"))
    }

    @Test func aNarrowScreenHasNoMembersPane() {
        let app = Self.client(cols: UIState.membersMinCols - 1)
        #expect(!app.frame!.lines().contains { $0.contains("3 here") })
    }

    @Test func aRoomTallerThanThePaneSaysHowManyMore() {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "u0",
                                            terminal: TerminalSize(cols: 80, rows: 10)))
        _ = app.reduce(.connected(conn: NewUserFixTests.conn, remote: "r"))
        let uids = (1...9).map { UID("00000000-0000-4000-8000-00000000000\($0)")! }
        _ = app.reduce(.received(conn: NewUserFixTests.conn, bytes: Fix.serverInfo(
            uids.enumerated().map { ($0.element, "u\($0.offset)", "000000") }, for: uids[0])))
        // 5 history rows: the heading, 1 name, "and 8 more", above the bottom border row.
        let rows = app.frame!.lines().map { String($0.dropFirst(62)) }
        #expect(rows[1...3] == ["9 here", "u0", "and 8 more"])
    }

    @Test func f1ShowsTheKeysAndEscapeGoesBack() {
        var app = Self.client(cols: 60, rows: 24)
        _ = app.reduce(.key(.f1))
        let rows = app.frame!.lines()
        #expect(rows[1] == "│Keys (F1 or Esc: back to the chat)                        │")
        #expect(rows.contains { $0.contains("Ctrl-R: search the messages sent") })
        _ = app.reduce(.key(.escape))
        #expect(!app.frame!.lines().contains { $0.contains("Keys (F1") })
    }
}
