import Testing
@testable import ChatState

/// pychat's extension frames (kind 0x02): the bytes, who sends them, and who never gets one.
@Suite struct ExtensionTests {
    static let hello = Bytes(ExtensionCodec.frame(.hello(features: [ExtensionMessage.Feature.roomSize])))
    static func roomSize(_ n: Int) -> Bytes { Bytes(ExtensionCodec.frame(.roomSize(users: n))) }

    @Test func framesAreKindTwoJSON() throws {
        let hello = ExtensionCodec.frame(.hello(features: ["room-size", "zoë"]))
        #expect(hello == [0, 0, 0, 57, 2] + Array(#"{"type": "Hello", "features": ["room-size", "zo\u00eb"]}"#.utf8))
        #expect(ExtensionCodec.frame(.roomSize(users: 1234)).dropFirst(5)
            .elementsEqual(#"{"type": "RoomSize", "users": 1234}"#.utf8))
        for m in [ExtensionMessage.hello(features: []), .hello(features: ["a", "b"]), .roomSize(users: 0)] {
            #expect(try ExtensionCodec.decode(Array(ExtensionCodec.frame(m).dropFirst(5))) == m)
        }
        // Fields it does not know are for a later pychat: ignored.
        #expect(try ExtensionCodec.decode(Array(#"{"users": 3, "since": 1, "type": "RoomSize"}"#.utf8)) == .roomSize(users: 3))
    }

    @Test func badExtensionBodiesSayWhatIsWrong() {
        func error(_ json: String) -> DecodeError? {
            do { _ = try ExtensionCodec.decode(Array(json.utf8)); return nil } catch { return error }
        }
        #expect(error(#"{"type": "Later"}"#) == .unknownType("Later"))
        #expect(error(#"{"users": 3}"#) == .missingType)
        #expect(error(#"{"type": "RoomSize", "users": -1}"#)?.description == "RoomSize.users is a number, expected a count")
        #expect(error(#"{"type": "RoomSize", "users": 2.5}"#)?.description == "RoomSize.users is a number, expected a count")
        #expect(error(#"{"type": "Hello", "features": "room-size"}"#)?.description == "Hello.features is a string, expected a list of strings")
        #expect(error(#"{"type": "Hello", "features": [1]}"#)?.description
            == "Hello.features is a list holding a number, expected a list of strings")
        #expect(error("[1]") == .notAnObject(found: "array"))
    }

    /// A room with alice (#1, a pychat client that said Hello) and bob (#2, an original client).
    func room() -> TestStore {
        var s = TestStore(RoomTests.config)
        _ = s.app.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.app.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.app.reduce(.received(conn: Fix.c1, bytes: Self.hello))
        _ = s.app.reduce(.timer(.announce))
        _ = s.app.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.app.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.app.reduce(.timer(.announce))
        return s
    }

    @Test func helloAfterJoiningGetsTheRoomSizeAtOnce() {
        var s = TestStore(RoomTests.config)
        _ = s.app.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.app.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        s.send(.received(conn: Fix.c1, bytes: Self.hello), [.send(to: [Fix.c1], bytes: Self.roomSize(2))])
    }

    @Test func roomSizesGoWithAnnouncementsAndOnlyToThoseWhoAsked() {
        var s = room()
        // carol joins: the announcement goes out at once, with the size, to alice only.
        _ = s.app.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        let joined = s.app.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))))
        #expect(Array(joined.suffix(3)) == [
            .send(to: [Fix.c1, Fix.c2, Fix.c3], bytes: Fix.frame(.system(text: "carol joined the chat"))),
            .send(to: [Fix.c1], bytes: Self.roomSize(4)),
            .setTimer(.announce, millis: Limits.announceMillis),
        ])
        // bob leaves within the moment: held, then announced with the new size.
        _ = s.app.reduce(.disconnected(conn: Fix.c2, reason: "closed by peer"))
        s.send(.timer(.announce), [
            .send(to: [Fix.c1, Fix.c3], bytes: Fix.frame(.system(text: "bob left the chat"))),
            .send(to: [Fix.c1], bytes: Self.roomSize(3)),
            .setTimer(.announce, millis: Limits.announceMillis),
        ])
    }

    @Test func aJoinerWhoseAnnouncementIsHeldStillLearnsTheSize() {
        var s = room()
        _ = s.app.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.app.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))))
        let uid4 = UID(high: 9, low: 4), c4 = ConnID(4)
        _ = s.app.reduce(.accepted(conn: c4, uid: uid4, remote: "d"))
        _ = s.app.reduce(.received(conn: c4, bytes: Self.hello))  // Hello first is fine too
        let effects = s.app.reduce(.received(conn: c4, bytes: Fix.frame(.joinRequest(username: "dan", color: "000000"))))
        #expect(effects.last == .send(to: [c4], bytes: Self.roomSize(5)))
        #expect(!effects.contains { if case .send(let to, _) = $0 { to.count > 1 } else { false } })  // held
    }

    @Test func misusedExtensionsCountAsViolationsAndLaterOnesAreIgnored() {
        var s = room()
        s.send(.received(conn: Fix.c1, bytes: Self.hello), [.log("protocol error from #1: second Hello ignored")])
        s.send(.received(conn: Fix.c1, bytes: Self.roomSize(1)), [.log("protocol error from #1: RoomSize is not for the server; ignored")])
        s.send(.received(conn: Fix.c2, bytes: Bytes(FrameCodec.frame(kind: 2, parts: Array("{oops".utf8)))),
               [.log("protocol error from #2: extension frame: bad JSON at byte 1: expecting a property name in double quotes")])
        s.send(.received(conn: Fix.c2, bytes: Bytes(FrameCodec.frame(kind: 2, parts: Array(#"{"type": "Later"}"#.utf8)))), [])
        #expect(s.app.room?.violations(of: Fix.c1) == 2)
    }

    @Test func aClientSaysHelloAndShowsTheRoomSizeItIsTold() {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800",
                                            terminal: TerminalSize(cols: 80, rows: 24)))
        let effects = app.reduce(.connected(conn: ConnID(0), remote: "r"))
        #expect(effects.last == .send(to: [ConnID(0)], bytes: Self.hello))
        _ = app.reduce(.received(conn: ConnID(0), bytes: Fix.serverInfo([(Fix.uid1, "alice", "ff8800")], for: Fix.uid1)))
        #expect(app.title == "alice @ h:1 · 1 user")
        // From a later pychat server: a type we do not know, quietly ignored.
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Bytes(FrameCodec.frame(kind: 2, parts: Array(#"{"type": "Later"}"#.utf8))))) == [])
        _ = app.reduce(.received(conn: ConnID(0), bytes: Self.roomSize(1500)))
        #expect(app.title == "alice @ h:1 · 1500 users")
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Bytes(FrameCodec.frame(kind: 2, parts: Array("[]".utf8))))) == [.log("ignored a frame from the server: body is a JSON array, not an object")])
    }
}
