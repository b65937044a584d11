import Foundation
import Testing
@testable import ChatState

/// Rooms at a pychat client: the keys that switch rooms (decoded whole and byte by byte), the
/// current room deciding where a chat goes, a buffer per room with unread and mention counts in
/// the status line, the title naming the room, the members pane listing the room's members,
/// and a server without rooms refusing `/join` in one line.
@Suite struct ClientRoomsTests {
    static let conn = ConnID(0)
    static let table = Fix.serverInfo([(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")], for: Fix.uid1)
    static let alice = RoomMember(uid: Fix.uid1, name: "alice", color: RGB.cleaned("ff8800"))
    static let bob = RoomMember(uid: Fix.uid2, name: "bob", color: RGB.cleaned("0000ff"))
    static func ext(_ m: ExtensionMessage) -> Bytes { Bytes(ExtensionCodec.frame(m)) }

    /// alice, on a screen, joined to a pychat server with `features`.
    static func joined(_ features: [String] = ["history", "commands", "rooms"]) -> ChatApp {
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800",
                                            terminal: TerminalSize(cols: 100, rows: 20)))
        _ = app.reduce(.connected(conn: conn, remote: "r"))
        let welcome = Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: features))))
        _ = app.reduce(.received(conn: conn, bytes: Bytes(welcome.array + table.array)))
        return app
    }

    /// alice in #rust with bob, #rust shown.
    static func inRust() -> ChatApp {
        var app = joined()
        _ = app.reduce(.received(conn: conn, bytes: ext(.join(RoomJoin(room: "rust", member: alice, seq: 2, wallMillis: 0,
                                                                         whole: ([bob, alice], "borrowck"))))))
        _ = app.reduce(.received(conn: conn, bytes: ext(.history(room: "rust", entries: [], more: false))))
        return app
    }

    /// bob renames himself: the table that comes with it renames him in #rust's members pane.
    @Test func aRenameReachesTheMembersPaneOfARoom() throws {
        var app = Self.inRust()
        let before = try #require(app.frame).lines()
        #expect(before.contains { $0.contains("bob") } && !before.contains { $0.contains("robert") })
        let renamed = Fix.serverInfo([(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "robert", "00aa00")], for: Fix.uid1)
        _ = app.reduce(.received(conn: Self.conn, bytes: renamed))
        #expect(app.session?.rooms.members["rust"] == [RoomMember(uid: Fix.uid2, name: "robert", color: RGB.cleaned("00aa00")), Self.alice])
        let after = try #require(app.frame).lines()
        #expect(after.contains { $0.hasSuffix("robert") || $0.contains(" robert") }, Comment(rawValue: after.joined(separator: "\n")))
    }

    @Test func altDigitsAndAltArrowsAreDecodedWholeAndByteByByte() throws {
        let cases: [([UInt8], [Key])] = [
            (Array("\u{1B}2".utf8), [.altDigit(2)]),
            (Array("\u{1B}0x".utf8), [.altDigit(0), .text("x")]),
            (Array("\u{1B}[1;3D\u{1B}[1;3C".utf8), [.altLeft, .altRight]),
            (Array("\u{1B}[1;9D\u{1B}[1;4C".utf8), [.altLeft, .altRight]),  // Meta, Alt with Shift
            (Array("\u{1B}[1;5D\u{1B}[1;7C\u{1B}[D".utf8), [.left, .right, .left]),  // Ctrl and Ctrl-Alt are not Alt
            (Array("\u{1B}a".utf8), [.escape, .text("a")]),  // Alt-letter as before
        ]
        for (bytes, keys) in cases {
            var whole = KeyDecoder(), single = KeyDecoder()
            #expect(whole.feed(bytes) == keys)
            #expect(bytes.flatMap { single.feed([$0]) } == keys)
        }
        for key in [Key.altDigit(7), .altLeft, .altRight] {
            #expect(try JSONDecoder().decode(Key.self, from: JSONEncoder().encode(key)) == key)
        }
    }

    /// After a reconnect the server has forgotten our rooms with the old connection: the
    /// client asks for them again once resumed, and the room it talks in stays the same.
    @Test func aReconnectedClientGoesBackIntoItsRoomsAndKeepsTheRoomItTalksIn() {
        let features = ["history", "resume", "commands", "rooms"]
        let welcome = Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: features))))
        let resumed = { (through: Int64) in Self.ext(.resumed(ResumedPart(room: "general", lastChat: 0, skipped: 0, through: through,
                                                                          entries: [], done: true))) }
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800",
                                            terminal: TerminalSize(cols: 100, rows: 20), reconnect: ResumePair.policy))
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        _ = app.reduce(.received(conn: Self.conn, bytes: Bytes(welcome.array + Self.table.array + resumed(1).array)))
        for room in ["rust", "go"] {
            _ = app.reduce(.received(conn: Self.conn, bytes: Self.ext(.join(RoomJoin(room: room, member: Self.alice, seq: 2,
                                                                                    wallMillis: 0, whole: ([Self.bob, Self.alice], nil))))))
            // #go's history never comes: the cut comes first (found by the simulations).
            if room == "rust" { _ = app.reduce(.received(conn: Self.conn, bytes: Self.ext(.history(room: room, entries: [], more: false)))) }
        }
        _ = app.reduce(.inputLine("/join #rust"))
        #expect(app.session?.rooms.current == "rust")
        let entry = { (seq: Int64, text: String) in
            RoomEntry(room: "rust", seq: seq, wallMillis: 0, kind: .chat, author: "bob", authorUID: Fix.uid2,
                      color: RGB.cleaned("0000ff"), text: text)
        }
        _ = app.reduce(.received(conn: Self.conn, bytes: Self.ext(.roomEntry(uid: Fix.uid2, entry(5, "seen")))))
        _ = app.reduce(.disconnected(conn: Self.conn, reason: "reset"))
        #expect(app.reduce(.timer(.reconnect)).contains(.connect))
        let again = ConnID(1)
        _ = app.reduce(.connected(conn: again, remote: "r"))
        let rejoin = app.reduce(.received(conn: again, bytes: Bytes(welcome.array + Self.table.array + resumed(3).array)))

        // The Resume first (on its Welcome), then, once resumed, the rooms in the order joined,
        // each with the newest entry of it shown (in #go, whose history never came: our own
        // join, so what was said there since is asked for, not just a page).
        #expect(rejoin.filter { if case .send = $0 { true } else { false } } == [
            .send(to: [again], bytes: Self.ext(.resume(session: ResumePair.policy.session, after: 1))),
            .send(to: [again], bytes: Self.ext(.command(line: "/join #rust", after: 5))),
            .send(to: [again], bytes: Self.ext(.command(line: "/join #go", after: 2))),
        ])
        for room in ["rust", "go"] {
            _ = app.reduce(.received(conn: again, bytes: Self.ext(.join(RoomJoin(room: room, member: Self.alice, seq: 4,
                                                                               wallMillis: 0, whole: ([Self.bob, Self.alice], nil))))))
        }
        #expect(app.session?.rooms.current == "rust")
        #expect(app.session?.rooms.joined == ["rust", "go"])
        // A server that ignores `after` sends the latest page: only what came after what it showed.
        _ = app.reduce(.received(conn: again, bytes: Self.ext(.history(room: "rust", entries: [entry(4, "old"), entry(5, "seen"),
                                                                                              entry(6, "missed")], more: true))))
        #expect(app.ui!.history.lines.filter { $0.room == "rust" }.suffix(3).map(\.text) == ["seen", "Back in #rust (2 members).", "missed"])
        // A room joined afresh after that is current again, as always.
        _ = app.reduce(.received(conn: again, bytes: Self.ext(.join(RoomJoin(room: "c", member: Self.alice, seq: 1,
                                                                           wallMillis: 0, whole: ([Self.alice], nil))))))
        #expect(app.session?.rooms.current == "c")
    }

    @Test func joiningMakesTheRoomCurrentAndChatsAndCommandsGoToIt() {
        var app = Self.inRust()
        #expect(app.session?.rooms == ClientRooms(joined: ["rust"], current: "rust", members: ["rust": [Self.bob, Self.alice]],
                                                   newest: ["rust": 2]))
        #expect(app.reduce(.inputLine("hi rust")) == [.send(to: [Self.conn], bytes: Self.ext(.say(room: "rust", text: "hi rust")))])
        #expect(app.reduce(.inputLine("/topic oxide")) == [.send(to: [Self.conn], bytes: Self.ext(.command(line: "/topic oxide", room: "rust")))])
        // Back to #general by /join: its chats are the original's ChatMessage again.
        _ = app.reduce(.inputLine("/join #general"))
        #expect(app.session?.rooms.current == nil)
        #expect(app.reduce(.inputLine("hi all")) == [.send(to: [Self.conn], bytes: Fix.frame(.chat(uid: Fix.uid1, text: "hi all")))])
        // /join of a room we are in switches to it without asking the server.
        #expect(app.reduce(.inputLine("/join #RUST")) == [])
        #expect(app.session?.rooms.current == "rust")
    }

    @Test func eachRoomHasItsBufferAndTheStatusLineCountsUnreadAndMentions() throws {
        var app = Self.inRust()
        #expect(app.title.hasPrefix("alice @ h:1 · #rust · 2 users"))
        _ = app.reduce(.received(conn: Self.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "in general"))))
        _ = app.reduce(.received(conn: Self.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "alice: look"))))
        let entry = RoomEntry(room: "rust", seq: 3, wallMillis: 0, kind: .chat, author: "bob", authorUID: nil, color: Self.bob.color, text: "in rust")
        _ = app.reduce(.received(conn: Self.conn, bytes: Self.ext(.roomEntry(uid: Fix.uid2, entry))))
        #expect(app.roomStatus == "1 #general (2, 1 @)  [2 #rust]")
        let rust = try #require(app.ui).history.lines.map(\.text)
        #expect(rust.contains("in rust") && !rust.contains("in general"), "\(rust)")
        // The status line is drawn in the input pane's top row; the members pane lists #rust's.
        let screen = try #require(app.frame).lines()
        #expect(screen[15].hasSuffix(" 1 #general (2, 1 @)  [2 #rust]"), "\(screen[15])")
        #expect(screen[1].hasSuffix("2 here") || screen[1].contains("2 here"))
        #expect(screen[2].contains("bob") && screen[3].contains("alice"), "\(screen)")
        // Alt-1 shows #general: its lines, its count gone; Alt-Right goes round to #rust.
        _ = app.reduce(.key(.altDigit(1)))
        #expect(app.session?.rooms.current == nil)
        let general = try #require(app.ui).history.lines.map(\.text)
        #expect(general.contains("in general") && general.contains("alice: look") && !general.contains("in rust"))
        #expect(app.roomStatus == "[1 #general]  2 #rust")
        #expect(app.title.hasPrefix("alice @ h:1 · #general · 2 users"))
        _ = app.reduce(.key(.altRight))
        #expect(app.session?.rooms.current == "rust")
        #expect(try #require(app.ui).history.lines.map(\.text).contains("in rust"))
        // Parting the room shown goes back to #general and forgets its buffer.
        _ = app.reduce(.received(conn: Self.conn, bytes: Self.ext(.part(room: "rust", uid: Fix.uid1, name: "alice", seq: 4, wallMillis: 0))))
        #expect(app.session?.rooms == ClientRooms())
        #expect(app.roomStatus == "")
        #expect(try #require(app.ui).rooms.others.isEmpty)
        #expect(try #require(app.ui).history.lines.map(\.text).contains("in general"))
    }

    /// A renderer's kept rows are of one buffer: after a switch the frame is the other room's,
    /// the same as one drawn afresh (each buffer numbers its lines from 0).
    @Test func aFrameDrawnWithItsCacheAfterASwitchIsTheOtherRoomsFrame() {
        var app = Self.inRust()
        _ = app.reduce(.received(conn: Self.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "in general"))))
        var cache = WrapCache()
        _ = app.frame(cache: &cache)
        for key in [Key.altDigit(1), .altDigit(2), .altLeft] {
            _ = app.reduce(.key(key))
            #expect(app.frame(cache: &cache) == app.frame)
        }
    }

    @Test func aServerWithoutRoomsRefusesJoinInOneLine() {
        var app = Self.joined(["history", "commands"])
        let (effects, lines) = app.step(.inputLine("/join #rust"))
        #expect(effects.isEmpty)
        #expect(lines == [.notice("/join needs a server with rooms: this pychat server has only #general.")])
    }
}

/// A join's history too big for one frame comes split, newest frame first (docs/PROTOCOL.md,
/// "History"): every frame's lines end up in the room's buffer, oldest first, none twice,
/// whether or not the room is the one shown when the rest comes.
@Suite struct ClientRoomSplitHistoryTests {
    typealias C = ClientRoomsTests

    static func entry(_ seq: Int64) -> RoomEntry {
        RoomEntry(room: "rust", seq: seq, wallMillis: 0, kind: .chat, author: "bob", authorUID: Fix.uid2,
                  color: RGB.cleaned("0000ff"), text: "line \(seq)")
    }

    static func history(_ seqs: ClosedRange<Int64>, more: Bool = true) -> Bytes {
        C.ext(.history(room: "rust", entries: seqs.map(entry), more: more))
    }

    static func rustBuffer(_ app: ChatApp) -> [String] {
        let ui = app.ui!
        let lines = ui.rooms.current == "rust" ? ui.history.lines : ui.rooms.others["rust"]!.history.lines
        return lines.map(\.text).filter { $0.hasPrefix("line ") }
    }

    @Test func everyFrameOfASplitHistoryGoesInOrderIntoTheRoomsBuffer() throws {
        var app = C.joined()
        _ = app.reduce(.received(conn: C.conn, bytes: C.ext(.join(RoomJoin(room: "rust", member: C.alice, seq: 10, wallMillis: 0,
                                                                          whole: ([C.bob, C.alice], nil))))))
        // The newest frame, then two older ones in one read.
        _ = app.reduce(.received(conn: C.conn, bytes: Self.history(7...9)))
        _ = app.reduce(.received(conn: C.conn, bytes: Bytes(Self.history(4...6).array + Self.history(3...3).array)))
        #expect(Self.rustBuffer(app) == (3...9).map { "line \($0)" })
        // The oldest frame comes while #general is shown: it goes in front of #rust's buffer all the same.
        _ = app.reduce(.key(.altDigit(1)))
        #expect(app.ui?.rooms.current == nil)
        _ = app.reduce(.received(conn: C.conn, bytes: Self.history(1...2, more: false)))
        #expect(Self.rustBuffer(app) == (1...9).map { "line \($0)" })
        #expect(!app.ui!.history.lines.contains { $0.text.hasPrefix("line ") }, "none in #general's")
        // A live line after it all comes at the end, once.
        _ = app.reduce(.received(conn: C.conn, bytes: C.ext(.roomEntry(uid: Fix.uid2, Self.entry(11)))))
        #expect(Self.rustBuffer(app) == (1...9).map { "line \($0)" } + ["line 11"])
    }
}
