import Testing
@testable import ChatState

@Suite struct ClientSessionTests {
    static let config = AppConfig(role: .client, host: "127.0.0.1", port: 8080, username: "alice", color: "ff8800")
    let orange = RGB(r: 255, g: 136, b: 0)
    /// Said once, on a first table that no welcome came before.
    static let originalServer = "the server is an original PyChat server: the original protocol only"
    let server = ConnID(0)

    func table(_ receiver: UID) -> Bytes {
        Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alice", "ff8800")], for: receiver)
    }

    func joined() -> TestStore {
        var s = TestStore(Self.config)
        _ = s.reduce(.connected(conn: server, remote: "127.0.0.1:8080"))
        _ = s.reduce(.received(conn: server, bytes: table(Fix.uid1)))
        return s
    }

    @Test func connectSendsJoinRequest() {
        var s = TestStore(Self.config)
        #expect(s.session.phase == .connecting)
        s.send(.connected(conn: server, remote: "127.0.0.1:8080"), [
            .print("* Connected to server 127.0.0.1:8080"),
            .send(to: [server], bytes: NegotiationTests.sign),
            .send(.joinRequest(username: "alice", color: "ff8800"), to: server),
        ], shows: [.notice("Connected to server 127.0.0.1:8080")])
        #expect(s.session.phase == .joining)
    }

    @Test func inputBeforeServerInfoIsQueuedThenSent() {
        var s = TestStore(Self.config)
        _ = s.reduce(.connected(conn: server, remote: "r"))
        s.send(.inputLine("early one"), [])
        s.send(.inputLine("early two"), [])
        #expect(s.session.queued == ["early one", "early two"])
        s.send(.received(conn: server, bytes: table(Fix.uid1)), [
            .print("alice: early one"), .print("alice: early two"),
            .log(Self.originalServer),
            .send(.chat(uid: Fix.uid1, text: "early one"), to: server),
            .send(.chat(uid: Fix.uid1, text: "early two"), to: server),
        ], shows: [.chat("alice", orange, "early one"), .chat("alice", orange, "early two")])
        #expect(s.session.phase == .joined)
        #expect(s.session.me == Fix.uid1)
        #expect(s.session.users.map(\.user.username) == ["host", "alice"])
        #expect(s.session.queued == [])
    }

    @Test func chatAndSystemLines() {
        var s = joined()
        s.send(.received(conn: server, bytes: Fix.frame(.chat(uid: Fix.hostUID, text: "hi"))), [.print("host: hi")],
               shows: [.chat("host", RGB(r: 0, g: 0xAA, b: 0), "hi")])
        s.send(.received(conn: server, bytes: Fix.frame(.system(text: "bob joined the chat"))),
               [.print("* bob joined the chat")], shows: [.system("bob joined the chat")])
        // An uid the table does not know (the original server can send one): shown, as unknown.
        s.send(.received(conn: server, bytes: Fix.frame(.chat(uid: Fix.uid3, text: "who?"))), [.print("unknown: who?")],
               shows: [.chat("unknown", .defaultUser, "who?")])
        s.send(.received(conn: server, bytes: Fix.frame(.chat(uid: nil, text: "null"))), [.print("unknown: null")],
               shows: [.chat("unknown", .defaultUser, "null")])
    }

    @Test func hostileTextIsCleanedAndTheTranscriptShowsNoControls() {
        var s = joined()
        let hostile = "\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil"
        s.send(.received(conn: server, bytes: Fix.frame(.chat(uid: Fix.hostUID, text: hostile))),
               [.print("host: ]52;c;SGVsbG8=[2J31m<U+202E>evil")],
               shows: [.chat("host", RGB(r: 0, g: 0xAA, b: 0), "]52;c;SGVsbG8=[2J31m\u{202e}evil")])
    }

    @Test func badFramesFromTheServerAreLoggedAndSkipped() {
        var s = joined()
        s.send(.received(conn: server, bytes: Fix.rawFrame("[]")), [.log("ignored a frame from the server: body is a JSON array, not an object")])
        s.send(.received(conn: server, bytes: Fix.frame(.joinRequest(username: "x", color: "y"))),
               [.log("ignored a JoinRequest from the server")])
        #expect(s.session.phase == .joined)
    }

    @Test func serverInfoWithoutOurUidKeepsTheOldIdentity() {
        var s = joined()
        s.send(.received(conn: server, bytes: Fix.serverInfo([(Fix.hostUID, "host", "00aa00")], for: Fix.uid1)), [])
        #expect(s.session.me == Fix.uid1)
        #expect(s.session.users.count == 1)
        // Our own line still carries our name, from the config when the table lost us.
        s.send(.inputLine("still me"), [.print("alice: still me"), .send(.chat(uid: Fix.uid1, text: "still me"), to: server)],
               shows: [.chat("alice", orange, "still me")])
    }

    @Test func sayingNothingOrTooMuch() {
        var s = joined()
        s.send(.inputLine(" \t "), [])
        let long = String(repeating: "x", count: Limits.maxTextLength + 1)
        s.send(.inputLine(long), [.print("* Message not sent: it has 4097 characters, the limit is 4096.")],
               shows: [.notice("Message not sent: it has 4097 characters, the limit is 4096.")])
    }

    @Test func serverGoingAwayQuits() {
        var s = joined()
        s.send(.disconnected(conn: server, reason: "closed by peer"), [
            .print("* Disconnected from server: closed by peer"),
            .log("disconnected: closed by peer"),
            .close(conn: server, reason: "closed by peer"),
            .quit(code: ExitCode.serverGone, message: "Disconnected from server: closed by peer"),
        ], shows: [.notice("Disconnected from server: closed by peer")])
        #expect(s.session.phase == .disconnected(reason: "closed by peer"))
        s.send(.received(conn: server, bytes: Fix.frame(.system(text: "late"))), [])
        s.send(.inputLine("late"), [.print("* Not sent: not connected to the server.")],
               shows: [.notice("Not sent: not connected to the server.")])
    }

    @Test func oversizedFramesFromTheServerAreSkippedWithANotice() {
        var s = joined()
        // A frame of 72083 bytes (what a 3000 x thumbs-up chat was): its body is read past in
        // any chunks without being kept, and the frames after it are read as usual.
        let skipped = "a frame of 72083 bytes from the server, over the limit of 65536"
        let big = [0x00, 0x01, 0x19, 0x93] + [UInt8](repeating: 0x41, count: 72083)
        s.send(.received(conn: server, bytes: Bytes(Array(big.prefix(30_000)))),
               [.print("* Skipped \(skipped)."), .log("skipped \(skipped)")], shows: [.notice("Skipped \(skipped).")])
        s.send(.received(conn: server, bytes: Bytes(Array(big.dropFirst(30_000)) + Fix.frame(.system(text: "after")).array)),
               [.print("* after")], shows: [.system("after")])
        // Even a 4 GiB announcement costs only the bytes that come.
        let huge = "a frame of 4294967295 bytes from the server, over the limit of 65536"
        s.send(.received(conn: server, bytes: [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]),
               [.print("* Skipped \(huge)."), .log("skipped \(huge)")], shows: [.notice("Skipped \(huge).")])
        #expect(s.session.phase == .joined)
    }

    @Test func inputClosedQuitsOnceEverythingIsHandedOver() {
        var s = TestStore(Self.config)
        _ = s.reduce(.connected(conn: server, remote: "r"))
        s.send(.inputLine("queued"), [])
        s.send(.inputClosed, [])
        s.send(.received(conn: server, bytes: table(Fix.uid1)), [
            .print("alice: queued"),
            .log(Self.originalServer),
            .send(.chat(uid: Fix.uid1, text: "queued"), to: server),
            .quit(code: ExitCode.ok, message: nil),
        ], shows: [.chat("alice", orange, "queued")])
        var t = joined()
        t.send(.inputClosed, [.quit(code: ExitCode.ok, message: nil)])
    }
}
