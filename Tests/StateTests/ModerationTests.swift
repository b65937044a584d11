import Testing
@testable import ChatState

/// Moderation at the server, exhaustively: the host, alice (an original client from 10.0.0.1,
/// #1) and bob (a pychat client with `commands` from 10.0.0.2, #2), without TLS, so bans and
/// mutes are for addresses. Time is the wall clock of `Event.time`, and nothing else.
@Suite struct ModerationTests {
    typealias R = RoomCommandTests
    static let t0: Int64 = 1_700_000_000_000

    static func at(_ seconds: Int64) -> Event { .time(Instant(monotonicMillis: seconds * 1000, wallMillis: t0 + seconds * 1000)) }

    static func room() -> TestStore {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(at(0))
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "10.0.0.1:5001", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "10.0.0.2:5002", address: "10.0.0.2"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: R.commandsSign))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.timer(.tableRefresh))
        _ = s.reduce(.timer(.announce))
        return s
    }

    static func notice(_ text: String, to conn: ConnID = Fix.c2) -> Effect { .send(to: [conn], bytes: R.ext(.notice(text: text))) }

    /// What alice's leaving costs the room once she is closed: as `/quit` shows it.
    static func aliceLeaves(_ reason: String) -> [Effect] {
        [.close(conn: Fix.c1, reason: reason), .log("leave #1 \"alice\": \(reason)"), .setTimer(.tableRefresh, millis: 50),
         .send(.system(text: "alice left the chat"), to: Fix.c2), .setTimer(.announce, millis: 100)]
    }

    static let aliceLeft: [DisplayLine] = [.notice("Connection ended: remote_address 10.0.0.1:5001").quieted, .system("alice left the chat")]

    // MARK: /kick

    @Test func aKickedOriginalClientReadsTheLineThenItsConnectionCloses() {
        var s = Self.room()
        s.send(.inputLine("/kick alice spamming the room"), [
            .log("moderation: \"host kicked alice: spamming the room\""),
            .send(.system(text: "host kicked alice: spamming the room"), to: Fix.c1, Fix.c2),
        ] + Self.aliceLeaves("kicked by host"), shows: [.system("host kicked alice: spamming the room")] + Self.aliceLeft)
        #expect(s.room.members.map(\.name) == ["host", "bob"])
        // A kick is not a ban: she may come back.
        s.send(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "10.0.0.1:5003", address: "10.0.0.1"), [
            .log("connect #3 from 10.0.0.1:5003"), .setTimer(.joinDeadline(Fix.c3), millis: 10_000),
        ], shows: [.notice("Established connection: remote_address 10.0.0.1:5003").quieted])
    }

    @Test func aKickIsARoomLogEntryNamingWhoDidIt() {
        var s = TestStore(RoomTests.config, storing: true)
        _ = s.reduce(Self.at(0))
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.timer(.announce))
        let effects = s.reduce(.inputLine("/kick alice"))
        guard case .store(let entries)? = effects.first else { return #expect(Bool(false)) }
        #expect(entries.map(\.kind) == [.moderation, .leave])
        #expect(entries.map(\.author) == ["host", "alice"])
        #expect(entries.map(\.text) == ["kicked alice", ""])
        #expect(entries[0].summary == "host kicked alice")
        #expect(entries[0].wallMillis == Self.t0)
    }

    @Test func moderationCommandsAreForOpsAndSayOneLineToOthers() {
        var s = Self.room()
        for (n, line) in ["/kick bob", "/ban bob", "/unban bob", "/bans", "/mute bob", "/unmute bob", "/op alice", "/deop host"].enumerated() {
            _ = s.reduce(Self.at(Int64(n + 1)))
            let name = String(line.dropFirst().prefix { $0 != " " })
            s.send(.received(conn: Fix.c1, bytes: R.say(line)), [.send(.system(text: "/\(name) is for ops."), to: Fix.c1)])
            s.send(.received(conn: Fix.c2, bytes: R.command(line)), [Self.notice("/\(name) is for ops.")])
        }
        #expect(s.room.members.map(\.name) == ["host", "alice", "bob"])
    }

    @Test func wrongUsesAreAnsweredWithWhatIsWrong() {
        var s = Self.room()
        let usage = "Usage: /ban NAME [DURATION] [REASON]"
        let answers: [(String, String)] = [
            ("/kick zed", "No one here is called zed."),
            ("/kick host", "That is you."),
            ("/kick", "/kick needs a NAME. Usage: /kick NAME [REASON]"),
            ("/ban alice 10x spam", "/ban takes no duration 10x: a DURATION is a number and s, m, h or d (30s, 10m, 2h, 7d), at most 3650d. \(usage)"),
            ("/ban alice 3651d", "/ban takes no duration 3651d: a DURATION is a number and s, m, h or d (30s, 10m, 2h, 7d), at most 3650d. \(usage)"),
            ("/ban alice 0m", "/ban takes no duration 0m: a DURATION is a number and s, m, h or d (30s, 10m, 2h, 7d), at most 3650d. \(usage)"),
            ("/ban zed", "No one here is called zed. (A member who is not here can be banned by the name its certificate holds.)"),
            ("/mute alice forever", "/mute takes no duration forever: a DURATION is a number and s, m, h or d (30s, 10m, 2h, 7d), at most 3650d. Usage: /mute NAME [DURATION]"),
            ("/mute alice 1m 2m", "/mute takes a NAME and at most a DURATION. Usage: /mute NAME [DURATION]"),
            ("/unmute alice", "alice is not muted."),
            ("/op al ice", "/op takes one NAME (a NAME with spaces goes in double quotes: \"mary jane\"). Usage: /op NAME"),
            ("/deop alice", "alice is not an op."),
            ("/bans now", "/bans takes nothing after it. Usage: /bans"),
            ("/bans", "No bans are in force."),
            ("/unban zed", "No ban in force matches zed: /bans lists them."),
        ]
        for (line, answer) in answers {
            s.send(.inputLine(line), [], shows: [.notice(answer)])
        }
        #expect(s.room.members.map(\.name) == ["host", "alice", "bob"])
    }

    @Test func durationsAreReadInLinearTimeWithinTheLimit() {
        #expect(ModerationCommand.duration("30s") == 30_000)
        #expect(ModerationCommand.duration("10m") == 600_000)
        #expect(ModerationCommand.duration("2h") == 7_200_000)
        #expect(ModerationCommand.duration("3650d") == 315_360_000_000)
        for bad in ["", "m", "10", "10w", "-5m", "1.5h", "99999999999999999999d", "٣m", "10 m"] {
            #expect(ModerationCommand.duration(Substring(bad)) == nil, "\(bad)")
        }
        #expect(CommandParser.read("/ban bob 2h flooding, again") == .command(.moderate(.ban(name: "bob", duration: 7_200_000, reason: "flooding, again"))))
        #expect(CommandParser.read("/ban bob the reason") == .command(.moderate(.ban(name: "bob", duration: nil, reason: "the reason"))))
        #expect(CommandParser.read("/mute bob") == .command(.moderate(.mute(name: "bob", duration: nil))))
        #expect(CommandParser.read("/kick bob") == .command(.moderate(.kick(name: "bob", reason: nil))))
    }

    // MARK: /ban by address

    static func joinRequest(_ name: String) -> Bytes { Fix.frame(.joinRequest(username: name, color: "ff8800")) }

    /// What turning a joiner away costs: the refusal, the close, and the room forgetting it.
    static func turnedAway(_ conn: ConnID, remote: String, _ refusal: String, why: String = "banned (address 10.0.0.1)",
                           removed: Removal? = nil) -> [Effect] {
        [.log("reject \(conn) from \(remote): \(why)")]
            + (removed == nil ? [] : [.send(to: [conn], bytes: R.ext(.welcome(Capabilities(version: 1, features: ["commands"]))))])
            + [.send(.system(text: "Connection refused: " + refusal), to: conn)]
            + (removed.map { [.send(to: [conn], bytes: R.ext(.removed($0)))] } ?? [])
            + [.close(conn: conn, reason: "banned"), .cancelTimer(.joinDeadline(conn)), .log("disconnect \(conn) before joining: banned")]
    }

    @Test func aBannedAddressIsTurnedAwayAtJoinUntilTheWallClockSaysTheBanIsOver() {
        var s = Self.room()
        let ban = Ban(subject: .address("10.0.0.1"), name: "alice", by: "host", reason: "flood",
                      setAtWallMillis: Self.t0, expiresAtWallMillis: Self.t0 + 600_000)
        s.send(.inputLine("/ban alice 10m flood"), [
            .keepModeration(.ban(ban)),
            .log("moderation: \"host banned alice for 10m (address 10.0.0.1): flood\""),
            .send(.system(text: "host banned alice for 10m (address 10.0.0.1): flood"), to: Fix.c1, Fix.c2),
        ] + Self.aliceLeaves("banned by host"), shows: [.system("host banned alice for 10m (address 10.0.0.1): flood")] + Self.aliceLeft)
        // Five minutes later, from the same address: refused with a SystemMessage at its JoinRequest,
        // the first frame an original client sends.
        _ = s.reduce(Self.at(300))
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "10.0.0.1:6000", address: "10.0.0.1"))
        s.send(.received(conn: Fix.c3, bytes: Self.joinRequest("alice")),
               Self.turnedAway(Fix.c3, remote: "10.0.0.1:6000", "you are banned from this server by host for 5m more: flood"),
               shows: [.notice("Connection ended: remote_address 10.0.0.1:6000").quieted])
        // A pychat client (its sign came first) is welcomed, then told in a `Removed` too, with the
        // ban's end, so that it does not dial again.
        _ = s.reduce(.accepted(conn: ConnID(7), uid: UID(high: 7, low: 7), remote: "10.0.0.1:6007", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: ConnID(7), bytes: R.commandsSign))
        s.send(.received(conn: ConnID(7), bytes: Self.joinRequest("alice")),
               Self.turnedAway(ConnID(7), remote: "10.0.0.1:6007", "you are banned from this server by host for 5m more: flood",
                               removed: Removal(.banned, by: "host", reason: "flood", untilWallMillis: Self.t0 + 600_000)),
               shows: [.notice("Connection ended: remote_address 10.0.0.1:6007").quieted])
        // Another address is not banned.
        _ = s.reduce(.accepted(conn: ConnID(4), uid: UID(high: 4, low: 4), remote: "10.0.0.9:1", address: "10.0.0.9"))
        _ = s.reduce(.received(conn: ConnID(4), bytes: Self.joinRequest("zoe")))
        #expect(s.room.members.map(\.name) == ["host", "bob", "zoe"])
        s.send(.inputLine("/bans"), [], shows: [.notice("1 ban in force:"), .notice("  alice (address 10.0.0.1) by host for 5m more: flood")])
        // The monotonic clock is not what ends a ban: only the wall clock.
        _ = s.reduce(.time(Instant(monotonicMillis: 10_000_000, wallMillis: Self.t0 + 599_999)))
        _ = s.reduce(.accepted(conn: ConnID(5), uid: UID(high: 5, low: 5), remote: "10.0.0.1:6001", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: ConnID(5), bytes: Self.joinRequest("alice")))
        #expect(!s.room.isConnected(ConnID(5)))
        // At its end, it is forgotten (in the database too) and she comes in.
        _ = s.reduce(Self.at(600))
        _ = s.reduce(.accepted(conn: ConnID(6), uid: UID(high: 6, low: 6), remote: "10.0.0.1:6002", address: "10.0.0.1"))
        let joined = s.reduce(.received(conn: ConnID(6), bytes: Self.joinRequest("alice")))
        #expect(joined.first == .keepModeration(.unban(.address("10.0.0.1"))))
        #expect(s.room.members.map(\.name) == ["host", "bob", "zoe", "alice"])
        s.send(.inputLine("/bans"), [], shows: [.notice("No bans are in force.")])
    }

    @Test func aConnectionAcceptedBeforeItsAddressWasBannedIsTurnedAwayAtJoin() {
        var s = Self.room()
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "10.0.0.1:6000", address: "10.0.0.1"))
        _ = s.reduce(.inputLine("/ban alice"))
        s.send(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))), [
            .log("reject #3 from 10.0.0.1:6000: banned (address 10.0.0.1)"),
            .send(.system(text: "Connection refused: you are banned from this server by host"), to: Fix.c3),
            .close(conn: Fix.c3, reason: "banned"),
            .cancelTimer(.joinDeadline(Fix.c3)),
            .log("disconnect #3 before joining: banned"),
        ], shows: [.notice("Connection ended: remote_address 10.0.0.1:6000").quieted])
        #expect(s.room.members.map(\.name) == ["host", "bob"])
    }

    @Test func unbanLiftsABanByItsNameOrAddress() {
        var s = Self.room()
        _ = s.reduce(.inputLine("/ban alice"))
        _ = s.reduce(.inputLine("/ban bob 1d"))
        s.send(.inputLine("/bans"), [], shows: [
            .notice("2 bans in force:"), .notice("  alice (address 10.0.0.1) by host"),
            .notice("  bob (address 10.0.0.2) by host for 1d more"),
        ])
        s.send(.inputLine("/unban ALICE"), [
            .keepModeration(.unban(.address("10.0.0.1"))),
            // The leaves the bans made, held until now: nobody is left to tell.
            .setTimer(.announce, millis: 100),
            .log("moderation: \"host unbanned alice (address 10.0.0.1)\""),
        ], shows: [.system("host unbanned alice (address 10.0.0.1)")])
        s.send(.inputLine("/unban 10.0.0.2"), [
            .keepModeration(.unban(.address("10.0.0.2"))),
            .log("moderation: \"host unbanned bob (address 10.0.0.2)\""),
        ], shows: [.system("host unbanned bob (address 10.0.0.2)")])
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "10.0.0.1:6000", address: "10.0.0.1"))
        #expect(s.room.isConnected(Fix.c3))
    }

    // MARK: /mute

    @Test func aMutedMembersChatReachesNobodyAndTheyAreTold() {
        var s = Self.room()
        s.send(.inputLine("/mute alice 1m"), [
            .keepModeration(.mute(Mute(subject: .address("10.0.0.1"), untilWallMillis: Self.t0 + 60_000))),
            .log("moderation: \"host muted alice for 1m\""),
            .send(.system(text: "host muted alice for 1m"), to: Fix.c1, Fix.c2),
        ], shows: [.system("host muted alice for 1m")])
        let told = Effect.send(.system(text: "You are muted for 1m more: what you say reaches no one."), to: Fix.c1)
        s.send(.received(conn: Fix.c1, bytes: R.say("hi")), [told])
        _ = s.reduce(Self.at(1))
        s.send(.received(conn: Fix.c1, bytes: R.say("hélas")), [.send(.system(text: "You are muted for 59s more: what you say reaches no one."), to: Fix.c1)])
        _ = s.reduce(Self.at(2))
        for (n, line) in ["/me waves", "/msg bob psst", "/topic muted no more"].enumerated() {
            _ = s.reduce(Self.at(Int64(3 + n)))
            s.send(.received(conn: Fix.c1, bytes: R.say(line)),
                   [.send(.system(text: "You are muted for \(57 - n)s more: what you say reaches no one."), to: Fix.c1)])
        }
        // What does not speak to others still works.
        s.send(.received(conn: Fix.c1, bytes: R.say("/topic")), [.send(.system(text: "No topic is set: /topic TEXT sets one."), to: Fix.c1)])
        // A minute on, by the wall clock, she speaks again, and the database forgets the mute.
        _ = s.reduce(Self.at(60))
        s.send(.received(conn: Fix.c1, bytes: R.say("back")),
               [.keepModeration(.unmute(.address("10.0.0.1"))), .send(.chat(uid: Fix.uid1, text: "back"), to: Fix.c2)],
               shows: [.chat("alice", R.aliceColor, "back")])
    }

    @Test func unmuteLetsAMemberSpeakAgain() {
        var s = Self.room()
        _ = s.reduce(.inputLine("/mute bob"))
        s.send(.received(conn: Fix.c2, bytes: R.say("hi")), [Self.notice("You are muted: what you say reaches no one.")])
        s.send(.inputLine("/unmute bob"), [
            .keepModeration(.unmute(.address("10.0.0.2"))),
            .log("moderation: \"host unmuted bob\""),
            .send(.system(text: "host unmuted bob"), to: Fix.c1, Fix.c2),
        ], shows: [.system("host unmuted bob")])
        s.send(.received(conn: Fix.c2, bytes: R.say("hi")), [.send(.chat(uid: Fix.uid2, text: "hi"), to: Fix.c1)],
               shows: [.chat("bob", R.bobColor, "hi")])
    }

    @Test func aRestoredMuteHoldsAfterARestartUntilTheWallClockEndsIt() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(Self.at(0))
        s.send(.restoredModeration(ModerationRecords(mutes: [
            Mute(subject: .address("10.0.0.1"), untilWallMillis: Self.t0 + 1_800_000), Mute(subject: .address("10.0.0.2"), untilWallMillis: nil),
        ])), [])
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "10.0.0.1:5001", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Self.joinRequest("alice")))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "10.0.0.2:5002", address: "10.0.0.2"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.joinRequest("bob")))
        s.send(.received(conn: Fix.c1, bytes: R.say("hi")), [.send(.system(text: "You are muted for 30m more: what you say reaches no one."), to: Fix.c1)])
        s.send(.received(conn: Fix.c2, bytes: R.say("hi")), [.send(.system(text: "You are muted: what you say reaches no one."), to: Fix.c2)])
        _ = s.reduce(Self.at(1800))
        let spoke = s.reduce(.received(conn: Fix.c1, bytes: R.say("free")))
        #expect(spoke.first == .keepModeration(.unmute(.address("10.0.0.1"))))
        #expect(spoke.contains(.send(.chat(uid: Fix.uid1, text: "free"), to: Fix.c2)))
    }

    // MARK: /op and /deop

    @Test func anOpMayModerateUntilDeoppedAndTheHostIsAlwaysAnOp() {
        var s = Self.room()
        s.send(.inputLine("/op bob"), [
            .log("moderation: \"host made bob an op\""),
            .send(.system(text: "host made bob an op"), to: Fix.c1, Fix.c2),
            .send(to: [Fix.c2], bytes: Fix.marks([Fix.hostUID, Fix.uid2])),
        ], shows: [.system("host made bob an op")])
        s.send(.inputLine("/op bob"), [], shows: [.notice("bob is already an op.")])
        s.send(.received(conn: Fix.c1, bytes: R.say("/who")), [
            .send(.system(text: "3 members here:"), to: Fix.c1), .send(.system(text: "  @host idle 0s"), to: Fix.c1),
            .send(.system(text: "  alice idle 0s"), to: Fix.c1), .send(.system(text: "  @bob idle 0s"), to: Fix.c1),
        ])
        s.send(.received(conn: Fix.c2, bytes: R.command("/mute alice")), [
            .keepModeration(.mute(Mute(subject: .address("10.0.0.1"), untilWallMillis: nil))),
            .log("moderation: \"bob muted alice\""),
            .send(.system(text: "bob muted alice"), to: Fix.c1, Fix.c2),
        ], shows: [.system("bob muted alice")])
        // No op moderates the host.
        for line in ["/kick host", "/ban host", "/mute host", "/deop host"] {
            let name = String(line.dropFirst().prefix { $0 != " " })
            s.send(.received(conn: Fix.c2, bytes: R.command(line)), [Self.notice("The host is always an op: /\(name) is not for the host.")])
        }
        s.send(.inputLine("/deop bob"), [
            .log("moderation: \"host took bob's op away\""),
            .send(.system(text: "host took bob's op away"), to: Fix.c1, Fix.c2),
            .send(to: [Fix.c2], bytes: Fix.marks([Fix.hostUID])),
        ], shows: [.system("host took bob's op away")])
        _ = s.reduce(Self.at(10))
        s.send(.received(conn: Fix.c2, bytes: R.command("/unmute alice")), [Self.notice("/unmute is for ops.")])
        #expect(s.room.isOp(s.room.host!))
        // An op without a certificate is one for as long as its connection lasts.
        _ = s.reduce(.inputLine("/op alice"))
        _ = s.reduce(.disconnected(conn: Fix.c1, reason: "gone"))
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "10.0.0.1:6000", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        #expect(!s.room.isOp(s.room.members.last!))
    }
}

extension ModerationTests {
    @Test func helpListsTheOpsCommandsToOpsOnly() {
        var s = Self.room()
        let kick = "  /kick NAME [REASON]: put a member out of the room, saying why"
        let host = s.app.step(.inputLine("/help")).lines
        #expect(host.contains(.notice(kick)))
        let alice = s.reduce(.received(conn: Fix.c1, bytes: R.say("/help")))
        #expect(!alice.contains(.send(.system(text: kick), to: Fix.c1)))
        _ = s.reduce(.inputLine("/op alice"))
        _ = s.reduce(Self.at(1))
        let op = s.reduce(.received(conn: Fix.c1, bytes: R.say("/help")))
        #expect(op.contains(.send(.system(text: kick), to: Fix.c1)))
    }
}

extension ModerationTests {
    /// A reason reaches refusals and log lines: a newline in it (a `Command` frame may hold one)
    /// must not start a line of its own there.
    @Test func aReasonIsOneLine() {
        var s = Self.room()
        _ = s.reduce(.received(conn: Fix.c2, bytes: R.command("/op bob")))
        _ = s.reduce(.inputLine("/op bob"))
        _ = s.reduce(Self.at(1))
        let effects = s.reduce(.received(conn: Fix.c2, bytes: R.command("/ban alice 1m line one\nreject #9 from x\tforged")))
        #expect(effects.contains(.log("moderation: \"bob banned alice for 1m (address 10.0.0.1): line one reject #9 from x forged\"")))
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "10.0.0.1:7", address: "10.0.0.1"))
        let refused = s.reduce(.received(conn: Fix.c3, bytes: Self.joinRequest("alice")))
        #expect(refused.contains(.send(.system(text: "Connection refused: you are banned from this server by bob for 1m more: line one reject #9 from x forged"), to: Fix.c3)))
    }
}
