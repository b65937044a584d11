import Testing
@testable import ChatState

/// The pychat sign, the server's answer, and the extension frames (kind 0x02) that follow: the
/// bytes, who sends them, and that an original peer never gets or gives one.
@Suite struct NegotiationTests {
    /// What a client that does not reconnect (`--no-reconnect`, as these tests' configurations)
    /// speaks: everything but `resume`. `ClientResumeTests` has the reconnecting client's sign.
    static let offered = Capabilities.ours.without(Capabilities.Feature.resume)
    /// Its sign, as a client sends it before its JoinRequest, and a server's answer to it.
    static let sign = Bytes(PeerSign.frame(offered))
    static let welcome = Bytes(ExtensionCodec.frame(.welcome(offered)))
    static func roomSize(_ n: Int) -> Bytes { Bytes(ExtensionCodec.frame(.roomSize(users: n))) }
    static func sign(_ text: String) -> Bytes { Fix.frame(.system(text: text)) }
    static func ext(_ json: String) -> Bytes { Bytes(FrameCodec.frame(kind: 2, parts: Array(json.utf8))) }

    // MARK: The wire

    @Test func theSignIsAnOriginalSystemMessage() {
        // Exactly the original's encoding of a SystemMessage: an original server decodes it
        // without a complaint and, having no case for it, does nothing.
        let expected = #"{"text": "pychat/1 room-size history resume commands context", "type": "SystemMessage"}"#
        #expect(PeerSign.frame(.ours) == [0, 0, 0, UInt8(expected.utf8.count + 1), 1] + Array(expected.utf8))
        let withoutResume = #"{"text": "pychat/1 room-size history commands context", "type": "SystemMessage"}"#
        #expect(Self.sign.array == [0, 0, 0, UInt8(withoutResume.utf8.count + 1), 1] + Array(withoutResume.utf8))
        #expect(PeerSign.text(Capabilities(version: 7, features: [])) == "pychat/7")
    }

    @Test func signsAreReadStrictlyAndOrdinaryTextIsNoSign() {
        #expect(PeerSign.read("pychat/1 room-size") == .sign(Capabilities(version: 1, features: ["room-size"])))
        #expect(PeerSign.read("pychat/12") == .sign(Capabilities(version: 12, features: [])))
        #expect(PeerSign.read("pychat/2 history room-size x9") == .sign(Capabilities(version: 2, features: ["history", "room-size", "x9"])))
        for text in ["hello", "", "PYCHAT/1", " pychat/1"] {
            #expect(PeerSign.read(text) == .notASign)
        }
        for text in ["pychat/", "pychat/x", "pychat/-1", "pychat/1234567", "pychat/1 ", "pychat/1  a", "pychat/1 Room",
                     "pychat/1 a\u{1b}", "pychat/1 " + String(repeating: "a", count: 33),
                     "pychat/1 " + Array(repeating: "a", count: 65).joined(separator: " ")] {
            guard case .malformed = PeerSign.read(text) else {
                Issue.record("\(text.debugDescription) should be malformed")
                continue
            }
        }
    }

    @Test func bothSidesSpeakTheOlderVersionAndTheFeaturesBothName() {
        let later = Capabilities(version: 3, features: ["zebra", "room-size", "history"])
        #expect(Capabilities.ours.common(with: later) == Capabilities(version: 1, features: ["room-size", "history"]))
        #expect(Capabilities.ours.common(with: Capabilities(version: 0, features: [])) == Capabilities(version: 0, features: []))
        // Our order, not the peer's: the answer is the same however a peer lists its features.
        let ours = Capabilities(version: 2, features: ["a", "b", "c"])
        #expect(ours.common(with: Capabilities(version: 2, features: ["c", "a"])).features == ["a", "c"])
    }

    @Test func extensionFramesAreKindTwoJSON() throws {
        let welcome = ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: ["room-size", "zoë"])))
        let body = #"{"type": "Welcome", "version": 1, "features": ["room-size", "zo\u00eb"]}"#
        #expect(welcome == [0, 0, 0, UInt8(body.utf8.count + 1), 2] + Array(body.utf8))
        #expect(ExtensionCodec.frame(.roomSize(users: 1234)).dropFirst(5)
            .elementsEqual(#"{"type": "RoomSize", "users": 1234}"#.utf8))
        for m in [ExtensionMessage.welcome(Capabilities(version: 0, features: [])), .welcome(.ours), .roomSize(users: 0)] {
            #expect(try ExtensionCodec.decode(Array(ExtensionCodec.frame(m).dropFirst(5))) == m)
        }
        // Fields it does not know are for a later version: ignored.
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
        #expect(error(#"{"type": "Welcome", "features": []}"#)?.description == "Welcome has no field \"version\"")
        #expect(error(#"{"type": "Welcome", "version": 1, "features": "room-size"}"#)?.description
            == "Welcome.features is a string, expected a list of strings")
        #expect(error(#"{"type": "Welcome", "version": 1, "features": [1]}"#)?.description
            == "Welcome.features is a list holding a number, expected a list of strings")
        #expect(error("[1]") == .notAnObject(found: "array"))
    }

    // MARK: The server

    /// A room with alice (#1, a pychat client that gave the sign) and bob (#2, an original client).
    func room() -> TestStore {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Self.sign))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.reduce(.timer(.announce))
        return s
    }

    @Test func theServerWelcomesASignAndThenSendsWhatWasNegotiated() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        // Nothing reaches a connection before it joins: the answer waits for the JoinRequest.
        s.send(.received(conn: Fix.c1, bytes: Self.sign), [.log("pychat peer #1: protocol 1, features: room-size history commands context")])
        let joined = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        let sends = joined.compactMap { if case let .send(to, bytes) = $0 { (to, bytes) } else { nil } }
        // The welcome comes first, then the table, the (empty) history, the members pane's marks,
        // the stamped announcement, then the negotiated size.
        #expect(sends.map(\.0) == [[Fix.c1], [Fix.c1], [Fix.c1], [Fix.c1], [Fix.c1], [Fix.c1], [Fix.c1]])
        #expect(sends.map(\.1) == [Self.welcome, Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alice", "ff8800")], for: Fix.uid1),
                                    Bytes(ExtensionCodec.frame(.history(room: "general", entries: [], more: false))),
                                    Fix.marks([Fix.hostUID]),
                                    Bytes(ExtensionCodec.frame(.stamp(seq: 1, wallMillis: 0))),
                                    Fix.frame(.system(text: "alice joined the chat")), Self.roomSize(2)])
    }

    @Test func aLaterClientIsWelcomedWithWhatBothSpeak() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        s.send(.received(conn: Fix.c1, bytes: Self.sign("pychat/4 threads zebra")),
               [.log("pychat peer #1: protocol 1, features: none")])
        // It did not name room-size: it gets the welcome, then the original protocol for that.
        let joined = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        let extensions = joined.filter { if case .send(_, let b) = $0 { b.array[4] == 2 } else { false } }
        #expect(extensions == [.send(to: [Fix.c1], bytes: Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: [])))))])
    }

    @Test func aSignAfterJoiningGetsTheRoomSizeAtOnce() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        s.send(.received(conn: Fix.c1, bytes: Self.sign), [
            .log("pychat peer #1: protocol 1, features: room-size history commands context"),
            .send(to: [Fix.c1], bytes: Self.welcome),
            .send(to: [Fix.c1], bytes: Self.roomSize(2)),
            // And the history it negotiated: so far, its own join.
            .send(to: [Fix.c1], bytes: Bytes(ExtensionCodec.frame(.history(room: "general", entries: [
                RoomEntry(room: "general", seq: 1, wallMillis: 0, kind: .join, author: "alice", authorUID: Fix.uid1,
                          color: RGB.cleaned("ff8800"), text: ""),
            ], more: false)))),
        ])
    }

    @Test func roomSizesGoWithAnnouncementsAndOnlyToThoseWhoNegotiated() {
        var s = room()
        // carol joins: the announcement goes out at once, with the size, to alice only.
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        let joined = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))))
        #expect(Array(joined.suffix(3)) == [
            .send(to: [Fix.c1, Fix.c2, Fix.c3], bytes: Fix.frame(.system(text: "carol joined the chat"))),
            .send(to: [Fix.c1], bytes: Self.roomSize(4)),
            .setTimer(.announce, millis: Limits.announceMillis),
        ])
        // bob leaves within the moment: held, then announced with the new size.
        _ = s.reduce(.disconnected(conn: Fix.c2, reason: "closed by peer"))
        s.send(.timer(.announce), [
            .send(to: [Fix.c1], bytes: Bytes(ExtensionCodec.frame(.stamp(seq: 4, wallMillis: 0)))),
            .send(to: [Fix.c1, Fix.c3], bytes: Fix.frame(.system(text: "bob left the chat"))),
            .send(to: [Fix.c1], bytes: Self.roomSize(3)),
            .setTimer(.announce, millis: Limits.announceMillis),
        ])
    }

    @Test func aJoinerWhoseAnnouncementIsHeldStillLearnsTheSize() {
        var s = room()
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))))
        let uid4 = UID(high: 9, low: 4), c4 = ConnID(4)
        _ = s.reduce(.accepted(conn: c4, uid: uid4, remote: "d"))
        _ = s.reduce(.received(conn: c4, bytes: Self.sign))
        let effects = s.reduce(.received(conn: c4, bytes: Fix.frame(.joinRequest(username: "dan", color: "000000"))))
        #expect(effects.last == .send(to: [c4], bytes: Self.roomSize(5)))
        #expect(!effects.contains { if case .send(let to, _) = $0 { to.count > 1 } else { false } })  // held
    }

    @Test func everyFrameOutsideTheNegotiatedProtocolIsAProtocolError() {
        var s = room()
        let c1 = "protocol error from #1: ", c2 = "protocol error from #2: "
        // bob never gave the sign: no extension frame is his to send, known type or not.
        s.send(.received(conn: Fix.c2, bytes: Self.roomSize(1)), [.log(c2 + "an extension frame before the pychat sign")])
        s.send(.received(conn: Fix.c2, bytes: Self.ext(#"{"type": "Later"}"#)), [.log(c2 + "an extension frame before the pychat sign")])
        s.send(.received(conn: Fix.c2, bytes: Bytes(FrameCodec.frame(kind: 7, parts: []))),
               [.log(c2 + "a frame of kind 7, which no PyChat peer sends")])
        s.send(.received(conn: Fix.c2, bytes: Bytes([0, 0, 0, 0])), [.log(c2 + "an empty frame, which no PyChat peer sends")])
        #expect(s.app.room?.violations(of: Fix.c2) == 4)
        let fifth = s.reduce(.received(conn: Fix.c2, bytes: Self.sign("not a sign")))
        #expect(Array(fifth.prefix(2)) == [
            .log(c2 + "SystemMessage is not for the server; ignored"),
            .close(conn: Fix.c2, reason: "5 protocol errors, the last: SystemMessage is not for the server; ignored"),
        ])
        // alice did: still, nothing a server sends is hers to send, and nothing unnegotiated.
        s.send(.received(conn: Fix.c1, bytes: Self.sign), [.log(c1 + "second pychat sign ignored")])
        s.send(.received(conn: Fix.c1, bytes: Self.roomSize(1)), [.log(c1 + "RoomSize is not for the server; ignored")])
        s.send(.received(conn: Fix.c1, bytes: Self.ext(#"{"type": "Later"}"#)), [.log(c1 + "extension frame: unknown type \"Later\"")])
        s.send(.received(conn: Fix.c1, bytes: Self.ext("{oops")),
               [.log(c1 + "extension frame: bad JSON at byte 1: expecting a property name in double quotes")])
        #expect(s.app.room?.violations(of: Fix.c1) == 4)
    }

    @Test func aMalformedSignIsAProtocolErrorAndNegotiatesNothing() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        s.send(.received(conn: Fix.c1, bytes: Self.sign("pychat/x room-size")),
               [.log("protocol error from #1: pychat sign: no protocol version after pychat/")])
        s.send(.received(conn: Fix.c1, bytes: Self.roomSize(1)), [.log("protocol error from #1: an extension frame before the pychat sign")])
    }

    // MARK: The client

    static func client() -> ChatApp {
        ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800",
                                  terminal: TerminalSize(cols: 80, rows: 24)))
    }

    @Test func aClientGivesTheSignBeforeItsJoinRequestAndNothingElse() {
        var app = Self.client()
        let effects = app.reduce(.connected(conn: ConnID(0), remote: "r"))
        #expect(effects == [.send(to: [ConnID(0)], bytes: Self.sign),
                            .send(to: [ConnID(0)], bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800")))])
    }

    @Test func aClientUsesOnlyWhatAWelcomeNegotiated() {
        var app = Self.client()
        _ = app.reduce(.connected(conn: ConnID(0), remote: "r"))
        _ = app.reduce(.received(conn: ConnID(0), bytes: Fix.serverInfo([(Fix.uid1, "alice", "ff8800")], for: Fix.uid1)))
        // Before a welcome the server is an original one, as far as we know: a room size is not its to send.
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Self.roomSize(99))) == [.log("ignored a RoomSize from the server")])
        #expect(app.title == "alice @ h:1 · 1 user · not encrypted")
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Self.welcome))
            == [.log("the server speaks pychat: protocol 1, features: room-size history commands context")])
        #expect(app.session?.common == Self.offered)
        _ = app.reduce(.received(conn: ConnID(0), bytes: Self.roomSize(1500)))
        #expect(app.title == "alice @ h:1 · 1500 users · not encrypted")
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Self.welcome)) == [.log("ignored a Welcome from the server")])
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Self.ext(#"{"type": "Later"}"#)))
            == [.log("ignored a frame from the server: unknown type \"Later\"")])
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Self.ext("[]")))
            == [.log("ignored a frame from the server: body is a JSON array, not an object")])
        #expect(app.reduce(.received(conn: ConnID(0), bytes: Bytes(FrameCodec.frame(kind: 9, parts: [1]))))
            == [.log("ignored a frame of kind 9 from the server")])
    }

    @Test func aWelcomeCannotWidenWhatTheClientOffered() {
        var app = Self.client()
        _ = app.reduce(.connected(conn: ConnID(0), remote: "r"))
        _ = app.reduce(.received(conn: ConnID(0), bytes: Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 9, features: ["x", "room-size"]))))))
        #expect(app.session?.common == Capabilities(version: 1, features: ["room-size"]))
    }
}
