import Testing
@testable import ChatState

/// Commands at a pychat client: what it does itself, what it sends a server that negotiated
/// `commands`, what it refuses on an original server (sending nothing), and how it shows what
/// the server sends back.
@Suite struct ClientCommandTests {
    static let conn = ConnID(0)
    static let table = Fix.serverInfo([(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")], for: Fix.uid1)
    static let bobColor = RGB.cleaned("0000ff")

    static func client() -> ChatApp {
        ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800"))
    }

    /// Joined to a pychat server that speaks `commands`, or (`pychat: false`) an original one.
    static func joined(pychat: Bool) -> ChatApp {
        var app = client()
        _ = app.reduce(.connected(conn: conn, remote: "r"))
        let welcome = Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: ["commands"]))))
        _ = app.reduce(.received(conn: conn, bytes: pychat ? Bytes(welcome.array + table.array) : table))
        return app
    }

    static func ext(_ m: ExtensionMessage) -> Bytes { Bytes(ExtensionCodec.frame(m)) }

    @Test func serverCommandsGoToAPychatServerAsTheLineTyped() {
        var app = Self.joined(pychat: true)
        for line in ["/nick alicia", "/me waves", "/msg bob hi there", "/reply ok", "/who", "/whois bob", "/away lunch", "/back",
                     "/topic x", "/NICK x"] {
            #expect(app.reduce(.inputLine(line)) == [.send(to: [Self.conn], bytes: Self.ext(.command(line: line)))])
        }
        // Told what is wrong at once, nothing sent.
        #expect(app.reduce(.inputLine("/msg bob")) == [.print("* /msg needs a TEXT after the NAME. Usage: /msg NAME TEXT")])
        // Two slashes are a chat of one, which goes to a server that reads commands as typed.
        #expect(app.reduce(.inputLine("//nick")) == [.print("alice: /nick"), .send(to: [Self.conn], bytes: Fix.frame(.chat(uid: Fix.uid1, text: "//nick")))])
        // /quit says its words through the server, then leaves.
        #expect(app.reduce(.inputLine("/quit bye")) == [.send(to: [Self.conn], bytes: Self.ext(.command(line: "/quit bye"))),
                                                        .quit(code: ExitCode.ok, message: nil)])
    }

    @Test func theScreensInputRunsCommandsToo() {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800",
                                            terminal: TerminalSize(cols: 60, rows: 12)))
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        let welcome = Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: ["commands"]))))
        _ = app.reduce(.received(conn: Self.conn, bytes: Bytes(welcome.array + Self.table.array)))
        _ = app.reduce(.key(.text("/nick alicia")))
        // Sent, and kept for input history (as a command typed in the screen is).
        #expect(app.reduce(.key(.enter)) == [.send(to: [Self.conn], bytes: Self.ext(.command(line: "/nick alicia"))),
                                             .remember("/nick alicia")])
        _ = app.reduce(.key(.text("/help nick")))
        #expect(app.reduce(.key(.enter)) == [.remember("/help nick")])
        #expect(app.ui?.history.lines.last == .notice("/nick NAME: take a new name."))
    }

    @Test func onAnOriginalServerTheClientDoesWhatItCanAndRefusesTheRest() {
        var app = Self.joined(pychat: false)
        for name in ["nick alicia", "me waves", "msg bob hi", "reply ok", "whois bob", "away", "back", "topic"] {
            let command = String(name.split(separator: " ")[0])
            #expect(app.reduce(.inputLine("/" + name)) == [.print("* /\(command) needs a pychat server: this is an original PyChat server.")])
        }
        #expect(app.reduce(.inputLine("/who")) == [.print("* 2 members in the server's table:"), .print("*   alice"), .print("*   bob")])
        #expect(app.reduce(.inputLine("/help who")) == [.print("* /who: who is here: ops (@), away marks, idle times.")])
        #expect(app.reduce(.inputLine("/quit bye")) == [.quit(code: ExitCode.ok, message: nil)])
        // An original server relays what it is sent: the chat /x goes as /x.
        #expect(app.reduce(.inputLine("//x")) == [.print("alice: /x"), .send(to: [Self.conn], bytes: Fix.frame(.chat(uid: Fix.uid1, text: "/x")))])
    }

    @Test func aPychatServerWithoutTheFeatureIsNamedAsSuch() {
        var app = Self.client()
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        let welcome = Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: ["history"]))))
        _ = app.reduce(.received(conn: Self.conn, bytes: Bytes(welcome.array + Self.table.array)))
        #expect(app.reduce(.inputLine("/nick x")) == [.print("* /nick needs a server that takes commands: this pychat server does not.")])
    }

    @Test func beforeJoiningNothingIsSent() {
        var app = Self.client()
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        #expect(app.reduce(.inputLine("/nick x")) == [.print("* /nick not sent: not joined to a server yet.")])
        #expect(app.session?.queued == [])
    }

    @Test func whatTheServerSendsBackIsShown() {
        var app = Self.joined(pychat: true)
        func receive(_ m: ExtensionMessage) -> [Effect] { app.reduce(.received(conn: Self.conn, bytes: Self.ext(m))) }
        #expect(receive(.notice(text: "bob is away: \u{1b}[2Jlunch")) == [.print("* bob is away: [2Jlunch")])
        #expect(receive(.action(uid: Fix.uid2, name: "bob", color: Self.bobColor, text: "waves")) == [.print("* * bob waves")])
        #expect(receive(.privateMessage(PrivateMessage(uid: Fix.uid2, from: "bob", color: Self.bobColor, to: "alice", text: "psst", echo: false)))
            == [.print("bob: [private] psst")])
        #expect(receive(.privateMessage(PrivateMessage(uid: Fix.uid1, from: "alice", color: RGB.cleaned("ff8800"), to: "bob", text: "ok", echo: true)))
            == [.print("alice: [private to bob] ok")])
        let bob = MemberDetails(name: "bob", color: Self.bobColor, op: false, away: nil, idleSeconds: 5, hereSeconds: 90, client: .pychat)
        #expect(receive(.who(members: [bob], total: 1)) == [.print("* 1 member here:"), .print("*   bob idle 5s")])
        #expect(receive(.whois(bob)) == [.print("* bob: colour 0000ff, a pychat client, here 1m, idle 5s")])
    }

    @Test func anOriginalServerCannotSendCommandsMessages() {
        var app = Self.joined(pychat: false)
        #expect(app.reduce(.received(conn: Self.conn, bytes: Self.ext(.notice(text: "x")))) == [.log("ignored a Notice from the server")])
    }

    @Test func ignoringHidesAMembersChatsActionsAndPrivateMessagesByUID() {
        var app = Self.joined(pychat: true)
        #expect(app.reduce(.inputLine("/ignore BOB")) == [.print("* Ignoring bob: their chats, actions and private messages are not shown.")])
        #expect(app.session?.ignored == [Fix.uid2])
        #expect(app.reduce(.received(conn: Self.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "hi")))) == [])
        #expect(app.reduce(.received(conn: Self.conn, bytes: Self.ext(.action(uid: Fix.uid2, name: "robert", color: Self.bobColor, text: "x")))) == [])
        #expect(app.reduce(.received(conn: Self.conn, bytes: Self.ext(.privateMessage(PrivateMessage(
            uid: Fix.uid2, from: "robert", color: Self.bobColor, to: "alice", text: "x", echo: false))))) == [])
        #expect(app.reduce(.inputLine("/ignore alice")) == [.print("* That is you.")])
        #expect(app.reduce(.inputLine("/ignore zed")) == [.print("* No one called zed is in the server's table.")])
        #expect(app.reduce(.inputLine("/unignore bob")) == [.print("* No longer ignoring bob.")])
        #expect(app.reduce(.received(conn: Self.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "hi")))) == [.print("bob: hi")])
        // On an original server too: it is the client's own.
        var original = Self.joined(pychat: false)
        _ = original.reduce(.inputLine("/ignore bob"))
        #expect(original.reduce(.received(conn: Self.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "hi")))) == [])
    }
}
