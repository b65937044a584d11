import Testing
@testable import ChatState

/// Commands at the server, exhaustively: the host, an original client (alice, #1, whose `/` chat
/// lines are commands) and a pychat client that negotiated `commands` (bob, #2, whose commands
/// come as `Command` frames). Every answer, and what each kind of peer is sent: an original client
/// only original frames, a pychat one the extension messages.
@Suite struct RoomCommandTests {
    static let hostColor = RGB.cleaned("00aa00"), aliceColor = RGB.cleaned("ff8800"), bobColor = RGB.cleaned("0000ff")
    static let commandsSign = NegotiationTests.sign("pychat/1 commands")

    static func sys(_ text: String) -> Bytes { Fix.frame(.system(text: text)) }
    static func ext(_ m: ExtensionMessage) -> Bytes { Bytes(ExtensionCodec.frame(m)) }
    static func say(_ text: String) -> Bytes { Fix.frame(.chat(uid: nil, text: text)) }
    static func command(_ line: String) -> Bytes { ext(.command(line: line)) }
    static func table(_ users: [(UID, String, String)], for uid: UID) -> Bytes { Fix.serverInfo(users, for: uid) }

    static let users = [(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")]

    /// The host, alice (original) and bob (pychat, `commands`), joined at time 0, tables whole.
    static func room() -> TestStore {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.time(Instant(monotonicMillis: 0)))
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: commandsSign))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.timer(.tableRefresh))
        _ = s.reduce(.timer(.announce))
        return s
    }

    // MARK: /nick

    @Test func anOriginalClientRenamesWithAFreshTableForEveryoneThenTheLine() {
        var s = Self.room()
        let renamed = [(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alicia", "ff8800"), (Fix.uid2, "bob", "0000ff")]
        s.send(.received(conn: Fix.c1, bytes: Self.say("/nick alicia")), [
            .log("rename #1 \"alice\" to \"alicia\""),
            .send(to: [Fix.c1], bytes: Self.table(renamed, for: Fix.uid1)),
            .send(to: [Fix.c2], bytes: Self.table(renamed, for: Fix.uid2)),
            .send(.system(text: "alice is now known as alicia"), to: Fix.c1, Fix.c2),
        ], shows: [.system("alice is now known as alicia")])
        #expect(s.room.members.map(\.name) == ["host", "alicia", "bob"])
        // The new name is hers now: a chat from her goes out under it, and nobody may take it.
        s.send(.received(conn: Fix.c1, bytes: Self.say("hi")), [.send(.chat(uid: Fix.uid1, text: "hi"), to: Fix.c2)],
               shows: [.chat("alicia", Self.aliceColor, "hi")])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/nick ALICIA")), [
            .send(to: [Fix.c2], bytes: Self.ext(.notice(text: "ALICIA is taken: a member has that name, or one too like it."))),
        ])
        // The old one is free again.
        s.send(.received(conn: Fix.c2, bytes: Self.command("/nick alice")), [
            .log("rename #2 \"bob\" to \"alice\""),
            .send(to: [Fix.c1], bytes: Self.table([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alicia", "ff8800"), (Fix.uid2, "alice", "0000ff")], for: Fix.uid1)),
            .send(to: [Fix.c2], bytes: Self.table([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alicia", "ff8800"), (Fix.uid2, "alice", "0000ff")], for: Fix.uid2)),
            .send(.system(text: "bob is now known as alice"), to: Fix.c1, Fix.c2),
        ], shows: [.system("bob is now known as alice")])
    }

    @Test func aRenameIsRefusedWithWhatIsWrong() {
        var s = Self.room()
        let answers: [(String, String)] = [
            ("/nick HOST", "HOST is taken: a member has that name, or one too like it."),
            ("/nick b\u{43E}b", "b\u{43E}b is taken: a member has that name, or one too like it."),  // a Cyrillic о
            ("/nick alice", "You are already called alice."),
            ("/nick ali\u{200B}ce", "/nick: not a name. A name is at most 32 characters, none of them invisible."),
            ("/nick " + String(repeating: "a", count: 33), "/nick: not a name. A name is at most 32 characters, none of them invisible."),
            ("/nick", "/nick needs a NAME. Usage: /nick NAME"),
            ("/nick al ice", "/nick takes one NAME (a NAME with spaces goes in double quotes: \"mary jane\"). Usage: /nick NAME"),
        ]
        for (n, (line, answer)) in answers.enumerated() {
            // A second apart: each takes a chat's token.
            _ = s.reduce(.time(Instant(monotonicMillis: Int64(n + 1) * 1000)))
            s.send(.received(conn: Fix.c1, bytes: Self.say(line)), [.send(.system(text: answer), to: Fix.c1)])
        }
        #expect(s.room.members.map(\.name) == ["host", "alice", "bob"])
    }

    @Test func theHostRenamesToo() {
        var s = Self.room()
        let renamed = [(Fix.hostUID, "boss", "00aa00"), (Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")]
        s.send(.inputLine("/nick boss"), [
            .log("rename host \"host\" to \"boss\""),
            .send(to: [Fix.c1], bytes: Self.table(renamed, for: Fix.uid1)),
            .send(to: [Fix.c2], bytes: Self.table(renamed, for: Fix.uid2)),
            .send(.system(text: "host is now known as boss"), to: Fix.c1, Fix.c2),
        ], shows: [.system("host is now known as boss")])
        #expect(s.room.host?.name == "boss")
        #expect(s.app.title.hasPrefix("boss · serving"))
        s.send(.inputLine("/nick alice"), [], shows: [.notice("alice is taken: a member has that name, or one too like it.")])
    }

    @Test func aRenameIsARoomLogEntryAfterAnyHeldAnnouncement() {
        var s = TestStore(RoomTests.config, storing: true)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        // bob's join is held for the announcement timer; his rename goes after it.
        let effects = s.reduce(.received(conn: Fix.c2, bytes: Self.say("/nick robert")))
        let systems = effects.compactMap { e -> String? in
            guard case let .send(_, bytes) = e, case .system(let text)? = try? MessageCodec.decode(Array(bytes.array.dropFirst(5))) else { return nil }
            return text
        }
        #expect(systems == ["bob joined the chat", "bob is now known as robert"])
        guard case .store(let entries)? = effects.first else { return #expect(Bool(false)) }
        #expect(entries.map(\.kind) == [.rename])
        #expect(entries.map(\.author) == ["bob"])
        #expect(entries.map(\.text) == ["robert"])
    }

    @Test func aRenameInABigRoomSendsShortTablesOnlyToThoseWhoKnowTheMember() {
        var s = TestStore(RoomTests.config)
        let n = Limits.wholeTableMembers + 6
        for k in 1...n {
            let conn = ConnID(UInt64(k))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 9, low: UInt64(k)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(k)", color: "000000"))))
            _ = s.reduce(.timer(.tableRefresh))
        }
        _ = s.reduce(.timer(.announce))
        let effects = s.reduce(.received(conn: ConnID(1), bytes: Self.say("/nick renamed")))
        var tables: [ConnID: Int] = [:]
        for case let .send(to, bytes) in effects {
            guard case let .serverInfo(users, _)? = try? MessageCodec.decode(Array(bytes.array.dropFirst(5))) else { continue }
            #expect(to.count == 1)
            tables[to[0]] = users.count
            // A short table: the host, the recent speakers, the receiver; it names the member anew.
            #expect(users.count <= Limits.recentSpeakers + 2)
            #expect(!users.contains { $0.user.username == "u1" })
        }
        // Those who joined while the room was small had whole tables naming u1; the later ones
        // never knew of u1 (who has not spoken) and are sent nothing.
        let early: [ConnID] = (1...Limits.wholeTableMembers).map { ConnID(UInt64($0)) }
        #expect(Set(tables.keys) == Set(early))
        let everyone: [ConnID] = (1...n).map { ConnID(UInt64($0)) }
        #expect(effects.last == Effect.send(to: everyone, bytes: Self.sys("u1 is now known as renamed")))
    }

    // MARK: /me

    @Test func anActionGoesToEveryoneAsEachCanReadIt() {
        var s = Self.room()
        s.send(.received(conn: Fix.c1, bytes: Self.say("/me waves")), [
            .send(to: [Fix.c2], bytes: Self.ext(.action(uid: Fix.uid1, name: "alice", color: Self.aliceColor, text: "waves"))),
            .send(.system(text: "* alice waves"), to: Fix.c1),
        ], shows: [.system("* alice waves")])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/me nods")), [
            .send(to: [Fix.c2], bytes: Self.ext(.action(uid: Fix.uid2, name: "bob", color: Self.bobColor, text: "nods"))),
            .send(.system(text: "* bob nods"), to: Fix.c1),
        ], shows: [.system("* bob nods")])
        s.send(.inputLine("/me smiles"), [
            .send(to: [Fix.c2], bytes: Self.ext(.action(uid: Fix.hostUID, name: "host", color: Self.hostColor, text: "smiles"))),
            .send(.system(text: "* host smiles"), to: Fix.c1),
        ], shows: [.system("* host smiles")])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/me")), [.send(.system(text: "/me needs ACTION. Usage: /me ACTION"), to: Fix.c1)])
    }

    // MARK: /msg and /reply

    @Test func aPrivateMessageReachesOnlyItsTwoEnds() {
        var s = Self.room()
        // alice (original) to bob (pychat): bob gets a Private, alice her echo as a SystemMessage.
        s.send(.received(conn: Fix.c1, bytes: Self.say("/msg bob psst")), [
            .send(to: [Fix.c2], bytes: Self.ext(.privateMessage(PrivateMessage(uid: Fix.uid1, from: "alice", color: Self.aliceColor,
                                                                                 to: "bob", text: "psst", echo: false)))),
            .send(.system(text: "[private to bob] psst"), to: Fix.c1),
        ])
        // bob replies: alice gets "[private] bob: ...", bob his echo.
        s.send(.received(conn: Fix.c2, bytes: Self.command("/reply ok")), [
            .send(.system(text: "[private] bob: ok"), to: Fix.c1),
            .send(to: [Fix.c2], bytes: Self.ext(.privateMessage(PrivateMessage(uid: Fix.uid2, from: "bob", color: Self.bobColor,
                                                                                 to: "alice", text: "ok", echo: true)))),
        ])
        // The host's are on its screen; names are found ignoring case.
        s.send(.inputLine("/msg ALICE hello"), [.send(.system(text: "[private] host: hello"), to: Fix.c1)],
               shows: [.chat("host", Self.hostColor, "[private to alice] hello")])
        // A private message to the host names it: it rings on the host's screen (a mention).
        s.send(.received(conn: Fix.c1, bytes: Self.say("/reply hi host")), [.send(.system(text: "[private to host] hi host"), to: Fix.c1),
                                                                            .alert(title: "pychat: alice", body: "alice: [private] hi host")],
               shows: [PrivateMessage(uid: Fix.uid1, from: "alice", color: Self.aliceColor, to: "host", text: "hi host", echo: false).displayLine])
        #expect(PrivateMessage(uid: Fix.uid1, from: "alice", color: Self.aliceColor, to: "host", text: "x", echo: false).displayLine.mentionsMe)
    }

    @Test func privateMessageRefusals() {
        var s = Self.room()
        s.send(.received(conn: Fix.c1, bytes: Self.say("/msg zed hi")), [.send(.system(text: "No one here is called zed."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/msg alice hi")),
               [.send(.system(text: "That is you: a private message goes to someone else."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/reply hi")),
               [.send(.system(text: "No one has sent you a private message to reply to."), to: Fix.c1)])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/msg alice x")), [
            .send(.system(text: "[private] bob: x"), to: Fix.c1),
            .send(to: [Fix.c2], bytes: Self.ext(.privateMessage(PrivateMessage(uid: Fix.uid2, from: "bob", color: Self.bobColor,
                                                                                 to: "alice", text: "x", echo: true)))),
        ])
        _ = s.reduce(.disconnected(conn: Fix.c2, reason: "gone"))
        s.send(.received(conn: Fix.c1, bytes: Self.say("/reply y")),
               [.send(.system(text: "Whoever sent you the last private message has left."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/msg bob")),
               [.send(.system(text: "/msg needs a TEXT after the NAME. Usage: /msg NAME TEXT"), to: Fix.c1)])
    }

    // MARK: /away, /back, /who, /whois

    @Test func awayMarksShowInWhoAndAnswerPrivateMessages() {
        var s = Self.room()
        s.send(.received(conn: Fix.c2, bytes: Self.command("/away lunch")),
               [.send(to: [Fix.c2], bytes: Fix.marks([Fix.hostUID], away: [Fix.uid2])),
                .send(to: [Fix.c2], bytes: Self.ext(.notice(text: "You are marked away: lunch. /back clears it.")))])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/msg bob hi")), [
            .send(to: [Fix.c2], bytes: Self.ext(.privateMessage(PrivateMessage(uid: Fix.uid1, from: "alice", color: Self.aliceColor,
                                                                                 to: "bob", text: "hi", echo: false)))),
            .send(.system(text: "[private to bob] hi"), to: Fix.c1),
            .send(.system(text: "bob is away: lunch"), to: Fix.c1),
        ])
        _ = s.reduce(.time(Instant(monotonicMillis: 125_000)))
        s.send(.received(conn: Fix.c1, bytes: Self.say("/who")), [
            .send(.system(text: "3 members here:"), to: Fix.c1),
            .send(.system(text: "  @host idle 2m"), to: Fix.c1),
            .send(.system(text: "  alice idle 0s"), to: Fix.c1),
            .send(.system(text: "  bob (away: lunch) idle 2m"), to: Fix.c1),
        ])
        let details = [
            MemberDetails(name: "host", color: Self.hostColor, op: true, away: nil, idleSeconds: 125, hereSeconds: 125, client: .host),
            MemberDetails(name: "alice", color: Self.aliceColor, op: false, away: nil, idleSeconds: 0, hereSeconds: 125, client: .original),
            MemberDetails(name: "bob", color: Self.bobColor, op: false, away: "lunch", idleSeconds: 0, hereSeconds: 125, client: .pychat),
        ]
        s.send(.received(conn: Fix.c2, bytes: Self.command("/who")), [.send(to: [Fix.c2], bytes: Self.ext(.who(members: details, total: 3)))])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/whois Alice")), [.send(to: [Fix.c2], bytes: Self.ext(.whois(details[1])))])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/whois bob")),
               [.send(.system(text: "bob: colour 0000ff, a pychat client, here 2m, idle 0s, away: lunch"), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/whois nobody")), [.send(.system(text: "No one here is called nobody."), to: Fix.c1)])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/back")), [.send(to: [Fix.c2], bytes: Fix.marks([Fix.hostUID])),
                                                                        .send(to: [Fix.c2], bytes: Self.ext(.notice(text: "You are back.")))])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/back")),
               [.send(to: [Fix.c2], bytes: Self.ext(.notice(text: "You were not marked away.")))])
        s.send(.inputLine("/away"), [.send(to: [Fix.c2], bytes: Fix.marks([Fix.hostUID], away: [Fix.hostUID]))],
               shows: [.notice("You are marked away: away. /back clears it.")])
        s.send(.inputLine("/who"), [], shows: [
            .notice("3 members here:"), .notice("  @host (away: away) idle 0s"), .notice("  alice idle 0s"), .notice("  bob idle 0s"),
        ])
    }

    @Test func whoListsAtMostAScreenful() {
        var s = TestStore(RoomTests.config)
        for n in 1...Limits.whoListed + 5 {
            let conn = ConnID(UInt64(n))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 9, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(n)", color: "000000"))))
        }
        let effects = s.reduce(.received(conn: Fix.c1, bytes: Self.say("/who")))
        #expect(effects.count == Limits.whoListed + 2)
        #expect(effects.first == .send(.system(text: "56 members here:"), to: Fix.c1))
        #expect(effects.last == .send(.system(text: "  and 6 more"), to: Fix.c1))
    }

    // MARK: /topic

    @Test func aTopicIsSetForEveryoneLoggedAndToldToJoiners() {
        var s = Self.room()
        s.send(.received(conn: Fix.c1, bytes: Self.say("/topic")), [.send(.system(text: "No topic is set: /topic TEXT sets one."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/topic release on Friday")), [
            .log("topic by \"alice\": \"release on Friday\""),
            .send(.system(text: "alice set the topic: release on Friday"), to: Fix.c1, Fix.c2),
        ], shows: [.system("alice set the topic: release on Friday")])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/topic")),
               [.send(to: [Fix.c2], bytes: Self.ext(.notice(text: "The topic: release on Friday")))])
        let long = String(repeating: "t", count: Limits.maxTopicLength + 1)
        s.send(.received(conn: Fix.c1, bytes: Self.say("/topic " + long)),
               [.send(.system(text: "/topic: a topic is at most 300 characters; this one has 301."), to: Fix.c1)])
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        let joining = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "123456"))))
        #expect(joining.contains(.send(.system(text: "The topic: release on Friday"), to: Fix.c3)))
    }

    // MARK: /quit, /help, unknown commands, //

    @Test func quitSaysTheTextAndLeaves() {
        var s = Self.room()
        s.send(.received(conn: Fix.c1, bytes: Self.say("/quit bye all")), [
            .send(.system(text: "alice quits: bye all"), to: Fix.c1, Fix.c2),
            .close(conn: Fix.c1, reason: "quit"),
            .log("leave #1 \"alice\": quit"),
            .setTimer(.tableRefresh, millis: 50),
            .send(.system(text: "alice left the chat"), to: Fix.c2),
            .setTimer(.announce, millis: 100),
        ], shows: [.system("alice quits: bye all"), .notice("Connection ended: remote_address a").quieted, .system("alice left the chat")])
        s.send(.inputLine("/quit"), [.quit(code: ExitCode.ok, message: nil)])
    }

    @Test func anOriginalClientsHelpListsWhatTheServerDoesForIt() {
        var s = Self.room()
        let effects = s.reduce(.received(conn: Fix.c1, bytes: Self.say("/help")))
        let lines = effects.compactMap { e -> String? in
            guard case let .send([Fix.c1], bytes) = e, case .system(let t)? = try? MessageCodec.decode(Array(bytes.array.dropFirst(5))) else { return nil }
            return t
        }
        #expect(effects.count == lines.count)
        #expect(lines == CommandParser.help(nil) { ($0.place == .server || $0.name == "help") && $0.permission == .everyone })
        #expect(!lines.contains { $0.contains("/ignore") || $0.contains("/search") })
        s.send(.received(conn: Fix.c1, bytes: Self.say("/help msg")),
               [.send(.system(text: "/msg NAME TEXT: a private message to one member."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/ignore bob")),
               [.send(.system(text: "/ignore is kept by a pychat client; the original PyChat client has none."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("/search x")),
               [.send(.system(text: "/search works in a pychat client: the original PyChat client cannot show its results."), to: Fix.c1)])
    }

    @Test func aSlashLineIsNeverRelayedAndTwoSlashesRelayOne() {
        var s = Self.room()
        s.send(.received(conn: Fix.c1, bytes: Self.say("/frob")),
               [.send(.system(text: "Unknown command /frob: /help lists the commands, //text sends /text."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: Self.say("//frob")), [.send(.chat(uid: Fix.uid1, text: "/frob"), to: Fix.c2)],
               shows: [.chat("alice", Self.aliceColor, "/frob")])
        s.send(.inputLine("//shrug"), [.send(.chat(uid: Fix.hostUID, text: "/shrug"), to: Fix.c1, Fix.c2)],
               shows: [.chat("host", Self.hostColor, "/shrug")])
        // Through the general path too (not plain ASCII).
        s.send(.received(conn: Fix.c1, bytes: Self.say("/frøb")),
               [.send(.system(text: "Unknown command /frøb: /help lists the commands, //text sends /text."), to: Fix.c1)])
    }

    // MARK: The host's /ignore

    @Test func theHostIgnoresAMembersChatsActionsAndPrivateMessages() {
        var s = Self.room()
        s.send(.inputLine("/ignore Bob"), [], shows: [.notice("Ignoring bob: their chats, actions and private messages are not shown.")])
        s.send(.received(conn: Fix.c2, bytes: Self.say("hi")), [.send(.chat(uid: Fix.uid2, text: "hi"), to: Fix.c1)])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/me waves")), [
            .send(to: [Fix.c2], bytes: Self.ext(.action(uid: Fix.uid2, name: "bob", color: Self.bobColor, text: "waves"))),
            .send(.system(text: "* bob waves"), to: Fix.c1),
        ])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/msg host x")), [
            .send(to: [Fix.c2], bytes: Self.ext(.privateMessage(PrivateMessage(uid: Fix.uid2, from: "bob", color: Self.bobColor,
                                                                                 to: "host", text: "x", echo: true)))),
        ])
        s.send(.inputLine("/unignore bob"), [], shows: [.notice("No longer ignoring bob.")])
        s.send(.inputLine("/unignore bob"), [], shows: [.notice("You were not ignoring bob.")])
        s.send(.inputLine("/ignore host"), [], shows: [.notice("That is you.")])
        s.send(.inputLine("/ignore zed"), [], shows: [.notice("No one here is called zed.")])
        s.send(.received(conn: Fix.c2, bytes: Self.say("back")), [.send(.chat(uid: Fix.uid2, text: "back"), to: Fix.c1)],
               shows: [.chat("bob", Self.bobColor, "back")])
    }

    // MARK: The Command frame

    @Test func aCommandFrameNeedsTheFeatureAndAJoin() {
        var s = Self.room()
        s.send(.received(conn: Fix.c1, bytes: Self.command("/who")),
               [.log("protocol error from #1: an extension frame before the pychat sign")])
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: NegotiationTests.sign("pychat/1 history")))
        s.send(.received(conn: Fix.c3, bytes: Self.command("/who")), [.log("protocol error from #3: Command before JoinRequest")])
        _ = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "123456"))))
        s.send(.received(conn: Fix.c3, bytes: Self.command("/who")), [.log("protocol error from #3: Command without the commands feature")])
        s.send(.received(conn: Fix.c2, bytes: Self.command("hello")), [.log("protocol error from #2: a Command that holds no command")])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/frob")),
               [.send(to: [Fix.c2], bytes: Self.ext(.notice(text: "Unknown command /frob: /help lists the commands, //text sends /text.")))])
        s.send(.received(conn: Fix.c2, bytes: Self.ext(.notice(text: "x"))), [.log("protocol error from #2: Notice is not for the server; ignored")])
    }

    @Test func aCommandCostsAChatsToken() {
        var config = RoomTests.config
        config.chatRate = 1
        config.chatBurst = 1
        var s = TestStore(config)
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.commandsSign))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.command("/back")))
        // The second waits for a token, as a second chat would.
        s.send(.received(conn: Fix.c2, bytes: Self.command("/back")), [.pauseReading(conn: Fix.c2), .setTimer(.floodRelease(Fix.c2), millis: 1000)])
    }

    // MARK: The room log for a client without `commands`

    @Test func aClientWithoutCommandsIsSentNoEntryOfAKindItCannotRead() {
        var s = Self.room()
        _ = s.reduce(.received(conn: Fix.c1, bytes: Self.say("/me waves")))
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: NegotiationTests.sign("pychat/1 history")))
        let effects = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "123456"))))
        let histories = effects.compactMap { e -> [RoomEntry.Kind]? in
            guard case let .send([Fix.c3], bytes) = e, case .history(_, let entries, _)? = try? ExtensionCodec.decode(Array(bytes.array.dropFirst(5))) else { return nil }
            return entries.map(\.kind)
        }
        #expect(histories == [[.join, .join]])
        #expect(s.room.latestEntries.map(\.kind) == [.join, .join, .action, .join])
    }
}
