import Testing
@testable import ChatState

/// The room log on the server (issue #13): entries with sequence numbers and wall time, the
/// restore, history on joining, stamps, pages, searches, refusals, the flag for originals.
/// Every step states its effects exactly, `store` included.
@Suite struct HistoryTests {
    /// 2023-11-14 22:13:20 UTC.
    static let wall: Int64 = 1_700_000_000_000
    static let alice = (uid: Fix.uid1, color: RGB.cleaned("ff8800"))
    static let bob = (uid: Fix.uid2, color: RGB.cleaned("0000ff"))

    static func entry(_ seq: Int64, _ kind: RoomEntry.Kind, _ author: String, _ uid: UID?, _ color: RGB,
                      _ text: String = "", wall: Int64 = HistoryTests.wall) -> RoomEntry {
        RoomEntry(room: "general", seq: seq, wallMillis: wall, kind: kind, author: author, authorUID: uid, color: color, text: text)
    }

    static func ext(_ m: ExtensionMessage) -> Bytes { Bytes(ExtensionCodec.frame(m)) }
    static func stamp(_ seq: Int64, _ wall: Int64 = HistoryTests.wall) -> Bytes { ext(.stamp(seq: seq, wallMillis: wall)) }
    static func history(_ entries: [RoomEntry], more: Bool) -> Bytes { ext(.history(room: "general", entries: entries, more: more)) }
    static let join = (alice: Fix.frame(.joinRequest(username: "alice", color: "ff8800")),
                       bob: Fix.frame(.joinRequest(username: "bob", color: "0000ff")))

    /// A server with a host user, its clock at `wall`.
    static func server(_ config: AppConfig = RoomTests.config) -> TestStore {
        var s = TestStore(config, storing: true)
        s.send(.time(Instant(monotonicMillis: 0, wallMillis: wall)), [])
        return s
    }

    /// alice (#1, pychat, joined first) and bob (#2, original), announcements flushed.
    static func room() -> TestStore {
        var s = Self.server()
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: NegotiationTests.sign))
        _ = s.reduce(.received(conn: Fix.c1, bytes: join.alice))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: join.bob))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.timer(.tableRefresh))
        return s
    }

    // MARK: The wire (the examples in docs/PROTOCOL.md, "History")

    @Test func historyMessagesAreTheDocumentedBytesAndDecodeBack() throws {
        func entry(_ seq: Int64, _ time: Int64, _ kind: RoomEntry.Kind, _ name: String, _ color: String, _ text: String) -> RoomEntry {
            RoomEntry(room: "general", seq: seq, wallMillis: time, kind: kind, author: name, authorUID: nil,
                      color: RGB.cleaned(color), text: text)
        }
        let cases: [(ExtensionMessage, String)] = [
            (.stamp(seq: 1234, wallMillis: 1_700_000_000_000), #"{"type": "Stamp", "seq": 1234, "time": 1700000000000}"#),
            (.history(room: "general", entries: [entry(1233, 1_699_999_990_000, .chat, "bob", "0000ff", "hi"),
                                                 entry(1234, 1_700_000_000_000, .join, "alice", "ff8800", "")], more: true),
             #"{"type": "History", "room": "general", "entries": [{"seq": 1233, "time": 1699999990000, "kind": "chat", "name": "bob", "color": "0000ff", "text": "hi"}, {"seq": 1234, "time": 1700000000000, "kind": "join", "name": "alice", "color": "ff8800", "text": ""}], "more": true}"#),
            (.historyRequest(room: "general", before: 1233, limit: 100),
             #"{"type": "HistoryRequest", "room": "general", "before": 1233, "limit": 100}"#),
            (.search(room: "general", words: ["lunch", "friday"], limit: 50),
             #"{"type": "Search", "room": "general", "words": ["lunch", "friday"], "limit": 50}"#),
            (.searchResults(room: "general", words: ["lunch", "friday"],
                            entries: [entry(977, 1_699_990_000_000, .chat, "bob", "0000ff", "lunch on friday?")]),
             #"{"type": "SearchResults", "room": "general", "words": ["lunch", "friday"], "entries": [{"seq": 977, "time": 1699990000000, "kind": "chat", "name": "bob", "color": "0000ff", "text": "lunch on friday?"}]}"#),
        ]
        for (message, body) in cases {
            let frame = ExtensionCodec.frame(message)
            #expect(frame == FrameCodec.frame(kind: 2, parts: Array(body.utf8)))
            #expect(try ExtensionCodec.decode(Array(frame.dropFirst(5))) == message)
        }
        #expect(FrameCodec.frame(.system(text: Self.entry(1, .chat, "bob", nil, Self.bob.color, "hi").systemLine))
            == FrameCodec.frame(kind: 1, parts: Array(#"{"text": "[22:13] bob: hi", "type": "SystemMessage"}"#.utf8)))
    }

    @Test func badHistoryBodiesSayWhatIsWrong() {
        func error(_ json: String) -> String? {
            do { _ = try ExtensionCodec.decode(Array(json.utf8)); return nil } catch { return error.description }
        }
        #expect(error(#"{"type": "Stamp", "seq": -1, "time": 0}"#) == "Stamp.seq is a number, expected a sequence number")
        #expect(error(#"{"type": "Stamp", "seq": 1, "time": 1.5}"#) == "Stamp.time is a number, expected a time in milliseconds")
        #expect(error(#"{"type": "History", "room": "general", "entries": [], "more": 1}"#) == "History.more is a number, expected a boolean")
        #expect(error(#"{"type": "History", "room": "general", "entries": [1], "more": true}"#)
            == "History.entries is a list holding a number, expected a list of entries")
        #expect(error(#"{"type": "History", "room": "general", "entries": [{"seq": 1, "time": 0, "kind": "poem", "name": "a", "color": "", "text": ""}], "more": true}"#)
            == "History entry.kind is a string, expected a chat, join, leave, rename, action or topic")
        #expect(error(#"{"type": "History", "room": "general", "entries": [{"seq": 1}], "more": true}"#)
            == "History entry has no field \"kind\"")
        #expect(error(#"{"type": "Search", "room": "general", "words": "lunch", "limit": 5}"#)
            == "Search.words is a string, expected a list of strings")
        #expect(error(#"{"type": "HistoryRequest", "room": 7, "before": 1, "limit": 5}"#)
            == "HistoryRequest.room is a number, expected a string")
    }

    // MARK: Entries

    @Test func chatsJoinsAndLeavesAreEntriesWithTheNextSeqAndTheLatestWallTime() {
        var s = Self.server()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        s.send(.received(conn: Fix.c2, bytes: Self.join.bob), [
            .store([Self.entry(1, .join, "bob", Fix.uid2, Self.bob.color)]),
            .cancelTimer(.joinDeadline(Fix.c2)),
            .log("join #2 as \"bob\" color 0000ff"),
            .send(to: [Fix.c2], bytes: Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid2, "bob", "0000ff")], for: Fix.uid2)),
            .send(.system(text: "bob joined the chat"), to: Fix.c2),
            .setTimer(.announce, millis: Limits.announceMillis),
        ], shows: [.system("bob joined the chat")])
        // The wall clock moves; the monotonic one is what counts, the wall one what is stored.
        s.send(.time(Instant(monotonicMillis: 60_000, wallMillis: Self.wall + 60_000)), [])
        s.send(.inputLine("hello"), [
            .store([Self.entry(2, .chat, "host", Fix.hostUID, RGB.cleaned("00aa00"), "hello", wall: Self.wall + 60_000)]),
            .send(.chat(uid: Fix.hostUID, text: "hello"), to: Fix.c2),
        ], shows: [.chat("host", RGB.cleaned("00aa00"), "hello")])
        s.send(.received(conn: Fix.c2, bytes: Fix.frame(.chat(uid: nil, text: "hi"))), [
            .store([Self.entry(3, .chat, "bob", Fix.uid2, Self.bob.color, "hi", wall: Self.wall + 60_000)]),
        ], shows: [.chat("bob", Self.bob.color, "hi")])
        s.send(.disconnected(conn: Fix.c2, reason: "closed by peer"), [
            .store([Self.entry(4, .leave, "bob", Fix.uid2, Self.bob.color, wall: Self.wall + 60_000)]),
            .log("leave #2 \"bob\": closed by peer"),
        ], shows: [.notice("Connection ended: remote_address b").quieted, .system("bob left the chat")])
        #expect(s.room.nextSeq == 5)
        #expect(s.room.latestEntries.map(\.seq) == [1, 2, 3, 4])
    }

    @Test func withoutAWallClockEntriesSayZeroAndRefusedTextsAreNoEntries() {
        var s = TestStore(RoomTests.config, storing: true)
        s.send(.inputLine(String(repeating: "x", count: Limits.maxTextLength + 1)), [],
               shows: [.notice(TextRules.tooLongNotice(length: Limits.maxTextLength + 1))])
        s.send(.inputLine("/nope"), [], shows: [.notice("Unknown command /nope: /help lists the commands, //text sends /text.")])
        s.send(.inputLine("ok"), [.store([Self.entry(1, .chat, "host", Fix.hostUID, RGB.cleaned("00aa00"), "ok", wall: 0)])],
               shows: [.chat("host", RGB.cleaned("00aa00"), "ok")])
    }

    /// A log that stops recording is said on the host's screen (the log line alone is hidden
    /// behind the chat), and nothing else changes: members get nothing, chats still relay.
    @Test func theHostSeesWhenTheLogStopsAndStartsRecording() {
        var s = Self.room()
        s.send(.roomLogRecording(false, detail: "the disk is full"), [],
               shows: [.notice("Not recording the room log: the disk is full; the room goes on")])
        s.send(.roomLogRecording(true, detail: "3 entries came while it could not and are not in it"), [],
               shows: [.notice("Recording the room log again: 3 entries came while it could not and are not in it")])
    }

    @Test func aRestoredRoomGoesOnFromTheLogsNextSeqAndAnswersJoinsFromMemory() {
        var s = Self.server()
        let old = (40...41).map { Self.entry(Int64($0), .chat, "zoe", nil, RGB.cleaned("123456"), "t\($0)", wall: 5) }
        s.send(.restored(room: "elsewhere", nextSeq: 900, latest: []), [])
        s.send(.restored(room: "general", nextSeq: 42, latest: old), [])
        #expect(s.room.nextSeq == 42)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: NegotiationTests.sign))
        let effects = s.reduce(.received(conn: Fix.c1, bytes: Self.join.alice))
        #expect(effects.first == .store([Self.entry(42, .join, "alice", Fix.uid1, Self.alice.color)]))
        // Older entries than 40 may be in the log: `more`.
        #expect(effects.contains(.send(to: [Fix.c1], bytes: Self.history(old, more: true))))
        #expect(!effects.contains { if case .queryHistory = $0 { true } else { false } })
        // A later restore never takes the sequence back.
        s.send(.restored(room: "general", nextSeq: 7, latest: []), [])
        #expect(s.room.nextSeq == 43)
    }

    // MARK: Joining

    @Test func aPychatJoinerGetsTheLatestEntriesAfterItsTableAndAStampedAnnouncement() {
        var s = Self.room()
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.chat(uid: nil, text: "hi all"))))
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: NegotiationTests.sign))
        let carol = Self.entry(4, .join, "carol", Fix.uid3, RGB.cleaned("00ff00"))
        let shown = [Self.entry(1, .join, "alice", Fix.uid1, Self.alice.color), Self.entry(2, .join, "bob", Fix.uid2, Self.bob.color),
                     Self.entry(3, .chat, "bob", Fix.uid2, Self.bob.color, "hi all")]
        s.send(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))), [
            .store([carol]),
            .cancelTimer(.joinDeadline(Fix.c3)),
            .log("join #3 as \"carol\" color 00ff00"),
            .send(to: [Fix.c3], bytes: NegotiationTests.welcome),
            .send(to: [Fix.c3], bytes: Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alice", "ff8800"),
                                                      (Fix.uid2, "bob", "0000ff"), (Fix.uid3, "carol", "00ff00")], for: Fix.uid3)),
            .send(to: [Fix.c3], bytes: Self.history(shown, more: false)),
            .send(to: [Fix.c3], bytes: Fix.marks([Fix.hostUID])),
            .setTimer(.tableRefresh, millis: Limits.tableRefreshMillis),
            .send(to: [Fix.c1, Fix.c3], bytes: Self.stamp(4)),
            .send(.system(text: "carol joined the chat"), to: Fix.c1, Fix.c2, Fix.c3),
            .send(to: [Fix.c1, Fix.c3], bytes: NegotiationTests.roomSize(4)),
            .setTimer(.announce, millis: Limits.announceMillis),
        ], shows: [.system("carol joined the chat")])
    }

    @Test func anOriginalJoinerGetsTheOriginalProtocolByteForByte() {
        var s = Self.room()
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: "history exists"))))
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        s.send(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))), [
            .store([Self.entry(4, .join, "carol", Fix.uid3, RGB.cleaned("00ff00"))]),
            .cancelTimer(.joinDeadline(Fix.c3)),
            .log("join #3 as \"carol\" color 00ff00"),
            .send(to: [Fix.c3], bytes: Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alice", "ff8800"),
                                                      (Fix.uid2, "bob", "0000ff"), (Fix.uid3, "carol", "00ff00")], for: Fix.uid3)),
            .setTimer(.tableRefresh, millis: Limits.tableRefreshMillis),
            .send(to: [Fix.c1], bytes: Self.stamp(4)),
            .send(.system(text: "carol joined the chat"), to: Fix.c1, Fix.c2, Fix.c3),
            .send(to: [Fix.c1], bytes: NegotiationTests.roomSize(4)),
            .setTimer(.announce, millis: Limits.announceMillis),
        ], shows: [.system("carol joined the chat")])
    }

    @Test func theFlagForOriginalsSendsTheLatestLinesAsSystemMessagesInUTC() {
        var config = RoomTests.config
        config.historyForOriginals = 2
        var s = Self.server(config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Self.join.alice))
        _ = s.reduce(.timer(.announce))
        s.send(.time(Instant(monotonicMillis: 1, wallMillis: Self.wall + 47 * 60_000)), [])  // 23:00
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: "late \"news\""))))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        let effects = s.reduce(.received(conn: Fix.c2, bytes: Self.join.bob))
        let toBob = effects.compactMap { if case let .send(to, b) = $0, to.contains(Fix.c2) { b } else { nil } }
        #expect(toBob == [
            Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")], for: Fix.uid2),
            Fix.frame(.system(text: "[22:13] alice joined the chat")),
            Fix.frame(.system(text: "[23:00] alice: late \"news\"")),
            Fix.frame(.system(text: "bob joined the chat")),
        ])
        // A pychat joiner is sent a History instead, not the lines.
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: NegotiationTests.sign))
        let pychat = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))))
        #expect(!pychat.contains { if case let .send(to, b) = $0 { to == [Fix.c3] && b.array.count > 9 && b.array[4] == 1
                                                                    && text(b.array).contains("[2") } else { false } })
    }

    @Test func clockTimesAreUTCAndWrapAtMidnight() {
        func at(_ ms: Int64) -> String { Self.entry(1, .chat, "a", nil, RGB.cleaned(""), wall: ms).clock }
        #expect(at(0) == "00:00")
        #expect(at(Self.wall) == "22:13")
        #expect(at(86_400_000 - 1) == "23:59")
        #expect(at(-60_000) == "23:59")
        #expect(Self.entry(1, .leave, "a", nil, RGB.cleaned(""), wall: 0).systemLine == "[00:00] a left the chat")
        // A line at the text limit under a long name still fits a SystemMessage.
        let long = Self.entry(1, .chat, String(repeating: "n", count: 512), nil, RGB.cleaned(""),
                              String(repeating: "t", count: Limits.maxTextBytes)).systemLine
        #expect(JSONWriter.encodedLength(long) == Limits.maxTextBytes)
    }

    // MARK: Stamps

    @Test func stampsGoOnlyToMembersThatNegotiatedJustBeforeTheirLine() {
        var s = Self.room()
        s.send(.received(conn: Fix.c2, bytes: Fix.frame(.chat(uid: nil, text: "from bob"))), [
            .store([Self.entry(3, .chat, "bob", Fix.uid2, Self.bob.color, "from bob")]),
            .send(to: [Fix.c1], bytes: Self.stamp(3)),
            .send(.chat(uid: Fix.uid2, text: "from bob"), to: Fix.c1),
        ], shows: [.chat("bob", Self.bob.color, "from bob")])
        // alice speaks: bob is original and alice is the sender, so nobody is stamped.
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: "from alice"))), [
            .store([Self.entry(4, .chat, "alice", Fix.uid1, Self.alice.color, "from alice")]),
            .send(.chat(uid: Fix.uid1, text: "from alice"), to: Fix.c2),
        ], shows: [.chat("alice", Self.alice.color, "from alice")])
        s.send(.inputLine("from host"), [
            .store([Self.entry(5, .chat, "host", Fix.hostUID, RGB.cleaned("00aa00"), "from host")]),
            .send(to: [Fix.c1], bytes: Self.stamp(5)),
            .send(.chat(uid: Fix.hostUID, text: "from host"), to: Fix.c1, Fix.c2),
        ], shows: [.chat("host", RGB.cleaned("00aa00"), "from host")])
    }

    @Test func aBatchedAnnouncementIsStampedWithTheNewestEntryItAnnounces() {
        var s = Self.room()
        for (n, conn) in [ConnID(5), ConnID(6)].enumerated() {
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 5, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(n)", color: "000000"))))
        }
        // u0's join (seq 3) went out at once; u1's (seq 4) waits for the timer.
        s.send(.timer(.announce), [
            .send(to: [Fix.c1], bytes: Self.stamp(4)),
            .send(.system(text: "u1 joined the chat"), to: Fix.c1, Fix.c2, ConnID(5), ConnID(6)),
            .send(to: [Fix.c1], bytes: NegotiationTests.roomSize(5)),
            .setTimer(.announce, millis: Limits.announceMillis),
        ])
    }

    // MARK: Pages and searches

    static func request(before: Int64, limit: Int, room: String = "general") -> Bytes {
        ext(.historyRequest(room: room, before: before, limit: limit))
    }

    @Test func aPageMemoryHoldsIsAnsweredAtOnceAndOneItDoesNotIsAskedOfTheStore() {
        var s = Self.server()
        let old = (50...60).map { Self.entry(Int64($0), .chat, "zoe", nil, RGB.cleaned("123456"), "t\($0)") }
        s.send(.restored(room: "general", nextSeq: 61, latest: old), [])
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: NegotiationTests.sign))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Self.join.alice))
        s.send(.received(conn: Fix.c1, bytes: Self.request(before: 55, limit: 3)),
               [.send(to: [Fix.c1], bytes: Self.history(Array(old[2...4]), more: true))])
        s.send(.received(conn: Fix.c1, bytes: Self.request(before: 52, limit: 5)),
               [.queryHistory(HistoryQuery(id: 1, room: "general", range: .before(seq: 52), limit: 5))])
        let answer = (47...51).map { Self.entry(Int64($0), .chat, "zoe", nil, RGB.cleaned("123456"), "t\($0)") }
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: answer, more: true)),
               [.send(to: [Fix.c1], bytes: Self.history(answer, more: true))])
        // Asked twice of the same id, or never asked: nobody gets it.
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: answer, more: true)),
               [.log("an answer from the room log to no question (1); ignored")])
        // An asker that left takes its questions with it: the answer goes nowhere.
        s.send(.received(conn: Fix.c1, bytes: Self.request(before: 47, limit: 5)),
               [.queryHistory(HistoryQuery(id: 2, room: "general", range: .before(seq: 47), limit: 5))])
        _ = s.reduce(.disconnected(conn: Fix.c1, reason: "gone"))
        #expect(s.room.pendingQueries.isEmpty)
        s.send(.historyAnswered(HistoryAnswer(id: 2, entries: [], more: false)),
               [.log("an answer from the room log to no question (2); ignored")])
    }

    @Test func aRoomThatAlwaysFitInMemoryAnswersEveryPageItself() {
        var s = Self.room()
        s.send(.received(conn: Fix.c1, bytes: Self.request(before: 2, limit: 100)),
               [.send(to: [Fix.c1], bytes: Self.history([Self.entry(1, .join, "alice", Fix.uid1, Self.alice.color)], more: false))])
        s.send(.received(conn: Fix.c1, bytes: Self.request(before: 1, limit: 100)),
               [.send(to: [Fix.c1], bytes: Self.history([], more: false))])
    }

    @Test func aSearchIsAskedOfTheStoreAndItsResultsGoToTheAsker() {
        var s = Self.room()
        let search = Self.ext(.search(room: "general", words: ["hello", "wörld"], limit: 20))
        s.send(.received(conn: Fix.c1, bytes: search),
               [.queryHistory(HistoryQuery(id: 1, room: "general", range: .search(words: ["hello", "wörld"]), limit: 20))])
        let found = [Self.entry(2, .chat, "bob", nil, Self.bob.color, "hello wörld")]
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: found, more: false)),
               [.send(to: [Fix.c1], bytes: Self.ext(.searchResults(room: "general", words: ["hello", "wörld"], entries: found)))])
    }

    @Test func badRequestsAreProtocolErrors() {
        var s = Self.room()
        let e = "protocol error from #1: "
        func refuse(_ m: ExtensionMessage, _ why: String, sourceLocation: SourceLocation = #_sourceLocation) {
            s.send(.received(conn: Fix.c1, bytes: Self.ext(m)), [.log(e + why)], sourceLocation: sourceLocation)
        }
        refuse(.historyRequest(room: "general", before: 9, limit: 0), "HistoryRequest refused: limit 0 is not 1 to 100")
        refuse(.historyRequest(room: "general", before: 9, limit: 101), "HistoryRequest refused: limit 101 is not 1 to 100")
        refuse(.historyRequest(room: "random", before: 9, limit: 5), "HistoryRequest refused: no room \"random\"")
        refuse(.search(room: "general", words: [], limit: 5), "Search refused: 0 words, not 1 to 8")
        // Five errors close the connection; the test goes on with a fresh room.
        s = Self.room()
        refuse(.search(room: "general", words: Array(repeating: "w", count: 9), limit: 5), "Search refused: 9 words, not 1 to 8")
        refuse(.search(room: "general", words: ["a b"], limit: 5),
               "Search refused: a word must be 1 to 64 bytes without spaces or control characters")
        refuse(.search(room: "general", words: [String(repeating: "é", count: 33)], limit: 5),
               "Search refused: a word must be 1 to 64 bytes without spaces or control characters")
        refuse(.search(room: "general", words: ["x"], limit: 51), "Search refused: limit 51 is not 1 to 50")
        // bob never gave the sign; a sign without `history` negotiates no requests.
        s = Self.room()
        refuse(.stamp(seq: 1, wallMillis: 1), "Stamp is not for the server; ignored")
        s.send(.received(conn: Fix.c2, bytes: Self.request(before: 9, limit: 5)),
               [.log("protocol error from #2: an extension frame before the pychat sign")])
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: NegotiationTests.sign("pychat/1 room-size")))
        s.send(.received(conn: Fix.c3, bytes: Self.request(before: 9, limit: 5)),
               [.log("protocol error from #3: HistoryRequest before JoinRequest")])
        _ = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))))
        s.send(.received(conn: Fix.c3, bytes: Self.request(before: 9, limit: 5)),
               [.log("protocol error from #3: HistoryRequest without the history feature")])
    }

    @Test func requestsOverTheirRateWaitInOrderAsChatsDo() {
        var s = Self.room()
        let search = Self.ext(.search(room: "general", words: ["x"], limit: 1))
        for id in 1...Int64(Limits.historyQueryBurst) {
            s.send(.received(conn: Fix.c1, bytes: search),
                   [.queryHistory(HistoryQuery(id: id, room: "general", range: .search(words: ["x"]), limit: 1))])
        }
        // One more, and a chat behind it: both wait for the next token; nothing is dropped.
        let chat = Fix.frame(.chat(uid: nil, text: "after"))
        s.send(.received(conn: Fix.c1, bytes: Bytes(search.array + chat.array)), [
            .pauseReading(conn: Fix.c1),
            .setTimer(.floodRelease(Fix.c1), millis: 1000 / Limits.historyQueryRate),
        ])
        s.send(.time(Instant(monotonicMillis: 1000, wallMillis: Self.wall + 1000)), [])
        s.send(.timer(.floodRelease(Fix.c1)), [
            .store([Self.entry(3, .chat, "alice", Fix.uid1, Self.alice.color, "after", wall: Self.wall + 1000)]),
            .queryHistory(HistoryQuery(id: 5, room: "general", range: .search(words: ["x"]), limit: 1)),
            .send(.chat(uid: Fix.uid1, text: "after"), to: Fix.c2),
            .resumeReading(conn: Fix.c1),
        ], shows: [.chat("alice", Self.alice.color, "after")])
    }
}
