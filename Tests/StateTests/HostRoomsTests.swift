import Testing
@testable import ChatState

/// The host user in rooms besides `#general` (issues #14, #15), exhaustively: `pychat --serve`'s
/// own screen joins (making), switches, parts and is refused as a client is; its chats, actions
/// and topics reach exactly the room's pychat members (never alice, the original client); the
/// members see it in `Join.whole`, `/rooms` and `/who`; everything in its rooms is shown in the
/// right buffer, with the status line, title and members pane a client has; `/who` per room.
/// The room is RoomsTests': the host, alice (#1, original), bob (#2) and carol (#3), pychat.
@Suite struct HostRoomsTests {
    typealias R = RoomCommandTests
    typealias T = RoomsTests
    static let host = RoomMember(uid: Fix.hostUID, name: "host", color: R.hostColor)

    static func command(_ line: String, in room: String? = nil) -> Bytes { T.command(line, in: room) }
    static func inRust(_ line: DisplayLine, at wallMillis: Int64? = nil) -> DisplayLine { RoomsOnScreen.tagged(line, "rust", at: wallMillis) }

    /// bob and carol in #rust, then the host joins it too.
    static func rustWithHost() -> TestStore {
        var s = T.rust()
        _ = s.reduce(.inputLine("/join #rust"))
        return s
    }

    // MARK: Joining, switching, parting

    @Test func theHostMakesARoomAndMembersWhoJoinSeeItListedFirst() {
        var s = T.room()
        s.send(.inputLine("/join #rust"), [.log("room #rust made by \"host\""), .log("join #rust host \"host\"")],
               shows: [.notice("You joined #rust (1 member); talking in it now.")])
        #expect(s.room.hostRooms == HostRooms(joined: ["rust"], current: "rust"))
        #expect(s.room.roomMembers("rust") == [])
        // bob is told the host is there (first, as in the original's table) and sees its join in
        // the history; the host is shown bob's join in #rust's buffer.
        s.send(.received(conn: Fix.c2, bytes: Self.command("/join #rust")), [
            .log("join #rust #2 \"bob\""),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "rust", member: T.bob, seq: 2, wallMillis: 0,
                                                            whole: ([Self.host, T.bob], nil))))),
            .send(to: [Fix.c2], bytes: R.ext(.history(room: "rust", entries: [T.entry(1, .join, Self.host)], more: false))),
        ], shows: [Self.inRust(.system("bob joined"), at: 0)])
        // A room the host is not in shows it nothing.
        s.send(.received(conn: Fix.c3, bytes: Self.command("/join #go")), [
            .log("room #go made by \"carol\""), .log("join #go #3 \"carol\""),
            .send(to: [Fix.c3], bytes: R.ext(.join(RoomJoin(room: "go", member: T.carol, seq: 1, wallMillis: 0, whole: ([T.carol], nil))))),
            .send(to: [Fix.c3], bytes: R.ext(.history(room: "go", entries: [], more: false))),
        ])
        // The host joining a room with members: they are told, it is shown the room's page.
        s.send(.inputLine("/join #GO"), [
            .log("join #go host \"host\""),
            .send(to: [Fix.c3], bytes: R.ext(.join(RoomJoin(room: "go", member: Self.host, seq: 2, wallMillis: 0)))),
        ], shows: [.notice("You joined #go (2 members); talking in it now."),
                   RoomsOnScreen.tagged(T.entry(1, .join, T.carol, room: "go").displayLine, "go")])
        #expect(s.room.hostRooms == HostRooms(joined: ["rust", "go"], current: "go"))
    }

    @Test func joinOfARoomTheHostIsInSwitchesAndPartLeavesWithTheRoomTold() {
        var s = Self.rustWithHost()
        s.send(.inputLine("/join #general"), [], shows: [.notice("Talking in #general now.")])
        #expect(s.room.hostRooms.current == nil)
        s.send(.inputLine("/join #Rust"), [], shows: [.notice("Talking in #rust now.")])
        #expect(s.room.hostRooms.current == "rust")
        // /part typed in #rust leaves it: bob and carol are told; the host talks in #general again.
        s.send(.inputLine("/part"), [
            .log("part #rust host \"host\""),
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.part(room: "rust", uid: Fix.hostUID, name: "host", seq: 4, wallMillis: 0))),
        ], shows: [.notice("You left #rust; talking in #general now.")])
        #expect(s.room.hostRooms == HostRooms())
        #expect(s.room.roomMembers("rust") == [Fix.c2, Fix.c3])
        // /part #name from another room leaves that one and stays where it talks.
        _ = s.reduce(.inputLine("/join #rust"))
        _ = s.reduce(.inputLine("/join #go"))
        s.send(.inputLine("/part #rust"), [
            .log("part #rust host \"host\""),
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.part(room: "rust", uid: Fix.hostUID, name: "host", seq: 6, wallMillis: 0))),
        ], shows: [.notice("You left #rust; talking in #go now.")])
        #expect(s.room.hostRooms == HostRooms(joined: ["go"], current: "go"))
    }

    @Test func theHostsWrongRoomCommandsAndItsLimitAreRefusedWithOneLine() {
        var s = T.room()
        let answers: [(String, String)] = [
            ("/join rust", "A room's name starts with #: /join #rust"),
            ("/join #a\u{1B}[2Jb", "A room's name holds only letters, digits, - _ and . after the #: #a[2Jb does not."),
            ("/part", "Everyone is always in #general, the original's room: /quit leaves the server."),
            ("/part #rust", "You are not in #rust."),
        ]
        for (line, answer) in answers { s.send(.inputLine(line), [], shows: [.notice(answer)]) }
        for n in 1...Limits.maxRoomsPerConnection { _ = s.reduce(.inputLine("/join #r\(n)")) }
        s.send(.inputLine("/join #more"), [], shows: [.notice("You are in 20 rooms besides #general, the most one may be in: /part one first.")])
        #expect(s.room.hostRooms.joined.count == Limits.maxRoomsPerConnection)
        // The limit on rooms is the server's, the host's too.
        #expect(s.room.roomNames.count == Limits.maxRoomsPerConnection)
    }

    // MARK: Talking

    @Test func theHostsChatReachesExactlyTheRoomsMembersAndIsShownInItsBuffer() {
        var s = Self.rustWithHost()
        // Its chat: recorded in #rust's log, to bob and carol as a RoomEntry, nothing to alice.
        s.send(.inputLine("hi rust"), [
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.hostUID, T.entry(4, .chat, Self.host, "hi rust")))),
        ], shows: [Self.inRust(.chat("host", R.hostColor, "hi rust"))])
        #expect(s.room.rooms["rust"]?.log.newest(1).map(\.text) == ["hi rust"])
        // /me and /topic typed in #rust stay in it, and come back to the host's screen too.
        s.send(.inputLine("/me waves"), [
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.hostUID, T.entry(5, .action, Self.host, "waves")))),
        ], shows: [RoomsOnScreen.live(T.entry(5, .action, Self.host, "waves"))])
        s.send(.inputLine("/topic oxide"), [
            .log("topic #rust by \"host\": \"oxide\""),
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.hostUID, T.entry(6, .topic, Self.host, "oxide")))),
        ], shows: [RoomsOnScreen.live(T.entry(6, .topic, Self.host, "oxide"))])
        #expect(s.room.topic(of: "rust") == "oxide")
        #expect(s.room.topic(of: "general") == nil)
        // Back in #general its chat is the original's ChatMessage to everyone, shown untagged.
        _ = s.reduce(.inputLine("/join #general"))
        let (effects, lines) = s.app.step(.inputLine("hi all"))
        #expect(effects.contains(.send(.chat(uid: Fix.hostUID, text: "hi all"), to: Fix.c1, Fix.c2, Fix.c3)))
        #expect(lines == [.chat("host", R.hostColor, "hi all")])
    }

    @Test func whatMembersDoInTheHostsRoomsIsShownInThatRoomsBuffer() {
        var s = Self.rustWithHost()
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.command("/join #go")))
        s.send(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "from bob"))), [
            .send(to: [Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.uid2, T.entry(4, .chat, T.bob, "from bob")))),
        ], shows: [RoomsOnScreen.live(T.entry(4, .chat, T.bob, "from bob"))])
        s.send(.received(conn: Fix.c3, bytes: Self.command("/topic borrowck", in: "rust")), [
            .log("topic #rust by \"carol\": \"borrowck\""),
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.uid3, T.entry(5, .topic, T.carol, "borrowck")))),
        ], shows: [RoomsOnScreen.live(T.entry(5, .topic, T.carol, "borrowck"))])
        // #go is not the host's: nothing of it is shown.
        s.send(.received(conn: Fix.c2, bytes: R.ext(.say(room: "go", text: "elsewhere"))), [])
        // An ignored member's chats and actions are not shown; its topic is.
        _ = s.reduce(.inputLine("/ignore bob"))
        s.send(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "ignored"))), [
            .send(to: [Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.uid2, T.entry(6, .chat, T.bob, "ignored")))),
        ])
        // carol parts; bob leaves the server: the host is shown both in #rust.
        s.send(.received(conn: Fix.c3, bytes: Self.command("/part", in: "rust")), [
            .log("part #rust #3 \"carol\""),
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.part(room: "rust", uid: Fix.uid3, name: "carol", seq: 7, wallMillis: 0))),
        ], shows: [Self.inRust(.system("carol left"), at: 0)])
        let (_, lines) = s.app.step(.disconnected(conn: Fix.c2, reason: "gone"))
        #expect(lines.filter { $0.room != nil } == [Self.inRust(.system("bob left"), at: 0)])
        #expect(s.room.roomMembers("rust") == [])
        #expect(s.room.rooms["rust"]?.count == 1)
    }

    // MARK: Seen by the members: /rooms and /who

    @Test func roomsCountsTheHostAndWhoTypedInARoomListsThatRoom() throws {
        var s = Self.rustWithHost()
        s.send(.received(conn: Fix.c2, bytes: Self.command("/rooms")), [
            .send(to: [Fix.c2], bytes: R.ext(.rooms([RoomSummary(name: "general", members: 4, topic: nil),
                                                     RoomSummary(name: "rust", members: 3, topic: nil)]))),
        ])
        s.send(.inputLine("/rooms"), [], shows: [.notice("2 rooms:"), .notice("  #general 4 members"), .notice("  #rust 3 members")])
        // /who typed in #rust: its three, the host first; in #general: all four, as ever.
        func who(_ effects: [Effect]) throws -> ([String], Int) {
            guard case .send(_, let bytes)? = effects.first, effects.count == 1,
                  case let .who(members, total) = try ExtensionCodec.decode(Array(bytes.array[5...])) else {
                Issue.record("not one Who: \(effects)")
                return ([], 0)
            }
            return (members.map(\.name), total)
        }
        #expect(try who(s.reduce(.received(conn: Fix.c2, bytes: Self.command("/who", in: "rust")))) == (["host", "bob", "carol"], 3))
        #expect(try who(s.reduce(.received(conn: Fix.c2, bytes: Self.command("/who")))) == (["host", "alice", "bob", "carol"], 4))
        // The host's /who in #rust, as lines.
        let (_, lines) = s.app.step(.inputLine("/who"))
        #expect(lines.map(\.text).first == "3 members here:")
        #expect(lines.count == 4 && lines[1].text.hasPrefix("  @host") && lines[3].text.hasPrefix("  carol"), "\(lines)")
        // alice, the original client, in #general: everyone, as SystemMessages, as before.
        let toAlice = s.reduce(.received(conn: Fix.c1, bytes: R.say("/who")))
        #expect(toAlice.first == .send(.system(text: "4 members here:"), to: Fix.c1))
        #expect(toAlice.count == 5)
    }

    // MARK: The host's screen

    @Test func theHostsScreenHasABufferPerRoomWithCountsTitleAndMembers() throws {
        var s = Self.rustWithHost()
        _ = s.reduce(.received(conn: Fix.c1, bytes: R.say("in general")))
        _ = s.reduce(.received(conn: Fix.c1, bytes: R.say("host: look")))
        _ = s.reduce(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "in rust"))))
        #expect(s.app.roomStatus == "1 #general (2, 1 @)  [2 #rust]")
        #expect(s.app.title == "host · serving 127.0.0.1:8080 · #rust · 3 users · not encrypted")
        let screen = try #require(s.app.frame).lines()
        let rust = try #require(s.app.ui).history.lines.map(\.text)
        #expect(rust.contains("in rust") && !rust.contains("in general"), "\(rust)")
        #expect(screen.contains { $0.hasSuffix(" 1 #general (2, 1 @)  [2 #rust]") }, "\(screen)")
        // The members pane lists #rust's: the host (an op) first, then bob and carol.
        #expect(screen[1].contains("3 here"), "\(screen)")
        #expect(screen[2].hasSuffix("@host") && screen[3].hasSuffix("bob") && screen[4].hasSuffix("carol"), "\(screen)")
        // Alt-1 shows #general, its counts gone; a chat in #rust now counts there.
        _ = s.reduce(.key(.altDigit(1)))
        #expect(s.room.hostRooms.current == nil)
        let general = try #require(s.app.ui).history.lines.map(\.text)
        #expect(general.contains("in general") && general.contains("host: look") && !general.contains("in rust"))
        #expect(s.app.title == "host · serving 127.0.0.1:8080 · #general · 4 users · not encrypted")
        _ = s.reduce(.received(conn: Fix.c3, bytes: R.ext(.say(room: "rust", text: "host?"))))
        #expect(s.app.roomStatus == "[1 #general]  2 #rust (1, 1 @)")
        #expect(try #require(s.app.frame).lines()[1].contains("4 here"))
        // Alt-Right goes round to #rust, Alt-Left back; a number with no room does nothing.
        _ = s.reduce(.key(.altRight))
        #expect(s.room.hostRooms.current == "rust")
        #expect(s.app.roomStatus == "1 #general  [2 #rust]")
        _ = s.reduce(.key(.altLeft))
        #expect(s.room.hostRooms.current == nil)
        s.send(.key(.altDigit(9)), [])
        #expect(s.room.hostRooms.current == nil)
        // The host's own chat typed in #rust lands in #rust's buffer, not #general's.
        _ = s.reduce(.key(.altDigit(2)))
        _ = s.reduce(.inputLine("mine"))
        #expect(try #require(s.app.ui).history.lines.last?.text == "mine")
        _ = s.reduce(.inputLine("/part"))
        #expect(s.app.roomStatus == "")
        #expect(try #require(s.app.ui).rooms.others.isEmpty)
        #expect(!(try #require(s.app.ui).history.lines.map(\.text).contains("mine")))
    }

    @Test func aHeadlessHostsTranscriptTagsRoomLines() {
        var config = T.config
        config.terminal = nil
        var s = TestStore(config)
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: T.roomsSign))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.command("/join #rust")))
        #expect(s.reduce(.inputLine("/join #rust")).first == .print("* You joined #rust (2 members); talking in it now."))
        #expect(s.reduce(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "hi")))).first == .print("bob: [#rust] hi"))
        #expect(s.reduce(.inputLine("hello")).first == .print("host: [#rust] hello"))
    }
}
