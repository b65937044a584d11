import Foundation
import Testing
@testable import ChatState

/// Feature `resume` (issue #13): the bytes of its messages, the server's answers and refusals,
/// and a real room with a real reconnecting client cut at the worst moments: no gap, no
/// duplicate, nothing relayed twice, nothing lost.
@Suite struct ResumeTests {
    static let session = ResumePair.session

    // MARK: The wire (the examples in docs/PROTOCOL.md, "Resume")

    @Test func resumeMessagesAreTheDocumentedBytesAndDecodeBack() throws {
        let entry = RoomEntry(room: "general", seq: 1240, wallMillis: 1_700_000_000_000, kind: .chat, author: "alice",
                              authorUID: nil, color: RGB.cleaned("ff8800"), text: "hi")
        let cases: [(ExtensionMessage, String)] = [
            (.resume(session: Self.session, after: 1234),
             #"{"type": "Resume", "session": "6f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "after": 1234}"#),
            (.resume(session: Self.session, after: nil),
             #"{"type": "Resume", "session": "6f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "after": null}"#),
            (.resumed(ResumedPart(room: "general", lastChat: 17, skipped: 0, through: 1240, entries: [entry], ownIDs: [17], done: true)),
             #"{"type": "Resumed", "room": "general", "lastChat": 17, "skipped": 0, "through": 1240, "entries": [{"seq": 1240, "time": 1700000000000, "kind": "chat", "name": "alice", "color": "ff8800", "text": "hi", "id": 17}], "done": true}"#),
            (.chat(id: 18, text: "h\u{e9}llo"), #"{"type": "Chat", "id": 18, "text": "h\u00e9llo"}"#),
            (.ack(id: 18, seq: 1241), #"{"type": "Ack", "id": 18, "seq": 1241}"#),
        ]
        let doc = try DocumentedBytes.check(cases)
        let sign = PeerSign.frame(.ours), welcome = ExtensionCodec.frame(.welcome(.ours))
        #expect(doc.contains("⟨\(sign.count - 4)⟩01 \(String(decoding: sign.dropFirst(5), as: UTF8.self))\n"))
        #expect(doc.contains("⟨\(welcome.count - 4)⟩02 \(String(decoding: welcome.dropFirst(5), as: UTF8.self))\n"))
        // A token must be the canonical UUID: it is compared byte for byte.
        #expect(throws: DecodeError.self) {
            try ExtensionCodec.decode(Array(#"{"type": "Resume", "session": "6F1C0D2E3A4B4C5D8E6F7A8B9C0D1E2F", "after": 1}"#.utf8))
        }
    }

    @Test func aLongAnswerIsSplitOldestFirstWithTheIdsInPlace() throws {
        let entries = (1...300).map { n in
            RoomEntry(room: "general", seq: Int64(n), wallMillis: 0, kind: .chat, author: "bob", authorUID: nil,
                      color: .defaultUser, text: String(repeating: "x", count: 500))
        }
        let ids: [Int64?] = (1...300).map { $0 % 7 == 0 ? Int64($0) : nil }
        let part = ResumedPart(room: "general", lastChat: 5, skipped: 2, through: 300, entries: entries, ownIDs: ids, done: true)
        let frames = ExtensionCodec.frames(part)
        #expect(frames.count > 1)
        var seqs: [Int64] = [], gotIDs: [Int64?] = [], dones: [Bool] = []
        for f in frames {
            #expect(f.count <= Limits.maxFrameLength + FrameCodec.headerLength)
            guard case let .resumed(p) = try ExtensionCodec.decode(Array(f.dropFirst(5))) else { Issue.record("not Resumed"); return }
            seqs += p.entries.map(\.seq)
            gotIDs += p.ownIDs
            dones.append(p.done)
            #expect(p.lastChat == 5 && p.skipped == 2 && p.through == 300)
        }
        #expect(seqs == Array(1...300))
        #expect(gotIDs == ids)
        #expect(dones == Array(repeating: false, count: frames.count - 1) + [true])
    }

    // MARK: The server

    /// A pychat member that negotiated `resume` and joined (conn #1), announcements flushed.
    static func room() -> TestStore {
        var s = HistoryTests.server()
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Bytes(PeerSign.frame(.ours))))
        _ = s.reduce(.received(conn: Fix.c1, bytes: HistoryTests.join.alice))
        _ = s.reduce(.timer(.announce))
        return s
    }

    static func ext(_ m: ExtensionMessage) -> Bytes { Bytes(ExtensionCodec.frame(m)) }

    @Test func aResumingJoinerIsSentItsHistoryOnlyWhenItSaysWhatItSaw() {
        var s = Self.room()
        // Joined: welcomed, a table and a stamped announcement, but no History yet.
        #expect(s.room.connections[Fix.c1]?.historyBefore == 1)
        let answer = s.reduce(.received(conn: Fix.c1, bytes: Self.ext(.resume(session: Self.session, after: nil))))
        // The latest page before its join: nothing (its own join is entry 1, sent live).
        #expect(answer == [.send(to: [Fix.c1], bytes: Self.ext(.resumed(ResumedPart(
            room: "general", lastChat: 0, skipped: 0, through: 0, entries: [], done: true))))])
        // A second Resume on the same connection is a protocol error.
        s.send(.received(conn: Fix.c1, bytes: Self.ext(.resume(session: Self.session, after: 3))),
               [.log("protocol error from #1: a second Resume")])
    }

    @Test func resumeAndChatOutsideTheNegotiationAreProtocolErrors() {
        var s = HistoryTests.room()  // alice negotiated history but not resume; bob is an original
        s.send(.received(conn: Fix.c1, bytes: Self.ext(.resume(session: Self.session, after: 1))),
               [.log("protocol error from #1: Resume without the resume feature")])
        s.send(.received(conn: Fix.c1, bytes: Self.ext(.chat(id: 1, text: "hi"))),
               [.log("protocol error from #1: Chat before Resume")])
        s.send(.received(conn: Fix.c2, bytes: Self.ext(.chat(id: 1, text: "hi"))),
               [.log("protocol error from #2: an extension frame before the pychat sign")])
        var r = Self.room()
        r.send(.received(conn: Fix.c1, bytes: Self.ext(.chat(id: 1, text: "hi"))),
               [.log("protocol error from #1: Chat before Resume")])
        r.send(.received(conn: Fix.c1, bytes: Self.ext(.ack(id: 1, seq: 1))),
               [.log("protocol error from #1: Ack is not for the server; ignored")])
    }

    @Test func aChatIsRelayedOnceAndAcknowledgedWhateverTheSenderResends() {
        var s = Self.room()
        _ = s.reduce(.received(conn: Fix.c1, bytes: Self.ext(.resume(session: Self.session, after: nil))))
        let first = s.reduce(.received(conn: Fix.c1, bytes: Self.ext(.chat(id: 1, text: "hello"))))
        #expect(first.contains(.send(to: [Fix.c1], bytes: Self.ext(.ack(id: 1, seq: 2)))))
        #expect(first.contains(.store([RoomEntry(room: "general", seq: 2, wallMillis: HistoryTests.wall, kind: .chat,
                                                 author: "alice", authorUID: Fix.uid1, color: HistoryTests.alice.color,
                                                 text: "hello", clientID: Self.session.description + "/1")])))
        // The connection breaks before the ack arrived; the same session rejoins and resends.
        _ = s.reduce(.disconnected(conn: Fix.c1, reason: "connection reset"))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Bytes(PeerSign.frame(.ours))))
        _ = s.reduce(.received(conn: Fix.c2, bytes: HistoryTests.join.alice))
        let resumed = s.reduce(.received(conn: Fix.c2, bytes: Self.ext(.resume(session: Self.session, after: 1))))
        // What it missed: its own chat (marked with its id, so it is not shown twice) and its leave.
        guard case let .send(_, bytes)? = resumed.first, case let .resumed(part)? = try? ExtensionCodec.decode(Array(bytes.array.dropFirst(5)))
        else { Issue.record("no Resumed"); return }
        #expect(part.lastChat == 1)
        #expect(part.entries.map(\.seq) == [2, 3])
        #expect(part.ownIDs == [1, nil])
        // A resend of chat 1 anyway (a client that had not seen the answer) is not relayed.
        s.send(.received(conn: Fix.c2, bytes: Self.ext(.chat(id: 1, text: "hello"))), [
            .log("chat 1 from #2 was received before; not relayed again"),
            .send(to: [Fix.c2], bytes: Self.ext(.ack(id: 1, seq: 2))),
        ])
    }

    @Test func anAnswerOfLongChatsCarriesTheNewestThatFitTheRestSkipped() {
        var server = RoomTests.config
        server.chatRate = 0
        var p = ResumePair(server: server)
        p.cut()
        let long = String(repeating: "x", count: 4000)
        for n in 1...100 { p.bobSays("\(n) " + long) }
        p.reconnect()
        // 100 chats of 4 KB are 400 KB: about 64 of them fit in 256 KiB; the others load by scrolling.
        guard let notice = p.shown.lastIndex(where: { $0.text.contains("earlier entries were missed") }) else {
            Issue.record("no notice of what was skipped")
            return
        }
        let skipped = Int(p.shown[notice].text.split(separator: " ")[1])!
        let sent = p.shown[(notice + 1)...].filter(\.fromLog).count
        // Missed: alice's join (its announcement was still held when she was cut), her leave, the 100.
        #expect(sent > 50 && sent < 100 && sent + skipped == 102, "\(sent) sent, \(skipped) skipped")
        #expect(p.shownChats.suffix(sent).map { $0.split(separator: " ")[0] } == (101 - sent...100).map { Substring(String($0)) })
    }

    @Test func aRestartedServerRemembersTheLastChatOfEachSessionFromItsLog() {
        var s = HistoryTests.server()
        let logged = RoomEntry(room: "general", seq: 7, wallMillis: 5, kind: .chat, author: "alice", authorUID: Fix.uid1,
                               color: HistoryTests.alice.color, text: "before the crash",
                               clientID: Self.session.description + "/4")
        _ = s.reduce(.restored(room: "general", nextSeq: 8, latest: [logged]))
        #expect(s.room.chatSessions.last(Self.session)?.id == 4)
        #expect(s.room.chatSessions.last(Self.session)?.seq == 7)
    }

    @Test func theSessionTableIsBoundedAndForgetsTheLongestUnheardFirst() {
        var t = ChatSessions(capacity: 3)
        let ids = (1...5).map { UID(high: UInt64($0), low: 0) }
        for u in ids.prefix(3) { t.note(u, id: 1, seq: 1) }
        t.heard(ids[0])  // heard of again: now the last to go
        t.note(ids[3], id: 1, seq: 2)
        #expect(t.count == 3)
        #expect(t.last(ids[1]) == nil)
        #expect(t.last(ids[0]) != nil && t.last(ids[2]) != nil && t.last(ids[3]) != nil)
        for _ in 0..<100 { t.heard(ids[0]) }
        t.note(ids[4], id: 9, seq: 3)
        #expect(t.count == 3 && t.last(ids[2]) == nil && t.last(ids[4])?.id == 9)
    }

    // MARK: A room and a reconnecting client

    @Test func aRejoinGetsExactlyWhatItMissedInOrderThenWhatIsLive() {
        var p = ResumePair()
        p.bobSays("one")
        p.pump()
        p.cut()
        p.bobSays("two")
        p.bobSays("three")
        p.reconnect()
        p.bobSays("four")
        p.pump()
        #expect(p.shownChats == ["one", "two", "three", "four"])
        // The missed ones are the log's (with their time), the live one is not.
        #expect(p.shown.filter { $0.text.hasSuffix("two") }.map(\.fromLog) == [true])
        #expect(p.client.session?.link.lastSeen == p.server.room?.nextSeq.advanced(by: -1))
        // Only the first join drew the marker.
        #expect(p.shown.filter { $0 == ClientHistory.marker }.count <= 1)
    }

    @Test func aCutBetweenAStampAndTheLineItStampsLosesNeither() {
        var p = ResumePair()
        p.bobSays("whole")
        p.pump()
        p.bobSays("cut in half")
        // The stamp arrives whole, the chat it stamps only in part: then the connection breaks.
        let c = p.conn!
        let stampLength = 4 + Int(p.toClient[3])
        p.clientStep(.received(conn: c, bytes: Bytes(Array(p.toClient.prefix(stampLength + 7)))))
        p.cut()
        p.reconnect()
        #expect(p.shownChats == ["whole", "cut in half"])
    }

    @Test func aChatTheServerHadBeforeTheCutIsNeitherRelayedTwiceNorShownTwice() {
        var p = ResumePair()
        p.aliceTypes("sent just before the cut")
        p.deliverToServer()  // the server has it and relayed it; its Ack is lost with the connection
        p.cut()
        #expect(p.client.session?.link.unacked.map(\.text) == ["sent just before the cut"])
        p.reconnect()
        #expect(p.bobGotFromAlice == ["sent just before the cut"])
        #expect(p.shownChats == ["sent just before the cut"])
        #expect(p.client.session?.link.unacked == [])
    }

    @Test func aChatTheServerNeverGotIsSentAgainOnceAndShownOnce() {
        var p = ResumePair()
        p.aliceTypes("lost in flight")
        p.cut()  // the bytes never reached the server
        p.aliceTypes("typed while disconnected")
        #expect(p.client.session?.pendingLines.map(\.text) == ["(pending) typed while disconnected"])
        p.reconnect()
        #expect(p.bobGotFromAlice == ["lost in flight", "typed while disconnected"])
        #expect(p.shownChats == ["lost in flight", "typed while disconnected"])
        #expect(p.client.session?.link.unacked == [])
        #expect(p.client.session?.queued == [])
    }

    /// An answer of several frames cut after its first: what that frame showed stays seen, so
    /// the next rejoin asks for what came after it and nothing is shown twice.
    @Test func aResumeCutAfterItsFirstFrameRejoinsAfterWhatThatFrameShowed() {
        var server = RoomTests.config
        server.chatRate = 0
        var p = ResumePair(server: server)
        p.cut()
        // 40 lines of 4 KB: about 160 KB, within the answer's bound, in three frames.
        let big = String(repeating: "x", count: 4_000)
        for n in 0..<40 { p.bobSays("\(n) \(big)") }
        let c = p.rejoinUntilResumeSent()
        p.deliverToServer()  // the Resume
        p.answerQueries()
        // The answer's frames, each its 4-byte length (kind byte included) and its body.
        var ends: [Int] = []
        while (ends.last ?? 0) + 4 <= p.toClient.count {
            let at = ends.last ?? 0
            let length = p.toClient[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            ends.append(at + 4 + length)
        }
        #expect(ends.count >= 3 && ends.last == p.toClient.count)
        p.clientStep(.received(conn: c, bytes: Bytes(Array(p.toClient.prefix(ends[0])))))
        let shownFromFirst = p.shownChats.count
        #expect(shownFromFirst > 0 && shownFromFirst < 40)
        p.cut()
        p.reconnect()
        // Each once, in order (compared by their numbers: the texts are 4 KB each).
        #expect(p.shownChats.map { $0.prefix { $0 != " " } } == (0..<40).map { "\($0)"[...] })
        #expect(p.shownChats.allSatisfy { $0.hasSuffix(big) })
    }

    @Test func liveLinesThatComeBeforeTheAnswerAreShownAfterWhatWasMissed() {
        var p = ResumePair()
        p.cut()
        p.bobSays("missed")
        // Connected and joined, but the Resume is still on its way when bob speaks again.
        let c = p.rejoinUntilResumeSent()
        p.bobSays("live, before the answer")
        p.clientStep(.received(conn: c, bytes: Bytes(p.toClient)))
        p.toClient = []
        #expect(!p.shownChats.contains("live, before the answer"))
        p.pump()
        #expect(p.shownChats == ["missed", "live, before the answer"])
    }

    @Test func missingMoreThanTheBoundShowsTheNewestAndHowManyCanBeLoaded() {
        var config = ResumePair.clientConfig
        config.terminal = TerminalSize(cols: 80, rows: 24)
        var server = RoomTests.config
        server.chatRate = 0  // bob's flood is not what this is about
        var p = ResumePair(config: config, server: server)
        p.bobSays("seen")
        p.pump()
        p.cut()
        for n in 1...1050 { p.bobSays("m\(n)") }
        p.reconnect()
        let missed = 1050 + 1  // the chats and alice's own leave
        let notice = "── \(missed - Limits.historyPage) earlier entries were missed while disconnected: scroll up to load them ──"
        let lines = p.client.ui!.history.lines
        // The screen starts again: the notice, then the newest 100, then the rejoin's own lines.
        #expect(lines.first == .notice(notice))
        let chats = lines.compactMap { l -> String? in
            guard case .chat = l.kind else { return nil }
            return l.text
        }
        #expect(chats == (951...1050).map { "m\($0)" })
        // Scrolling up asks for the page before the oldest of them, so the rest is reachable.
        // Entries: bob's join 1, alice's 2, "seen" 3, her leave 4, m1... from 5: m951 is 955.
        #expect(p.client.session?.history.oldestSeq == 955)
        #expect(p.client.session?.history.more == true)
        let page = p.client.session.map { s -> [Effect] in
            var s = s
            var out = StepOutput()
            s.requestOlder(&out)
            return out.effects
        }
        #expect(page == [.send(to: [p.conn!], bytes: Self.ext(.historyRequest(room: "general", before: 955, limit: 100)))])
    }
}

/// Seeded runs of a room and a reconnecting client cut at random moments, mid-frame included,
/// either way: the client's history must stay gap-free and duplicate-free (every line of bob's
/// once, in order), and everything it typed must reach the room once, in order.
@Suite struct ResumeCutTests {
    /// The seed is the whole run.
    struct Rng {
        var draws: SplitMix64
        init(state: UInt64) { draws = SplitMix64(seed: state) }
        mutating func below(_ n: Int) -> Int { Int(draws.next() % UInt64(n)) }
    }

    @Test(arguments: 0..<200)
    func randomCutsLoseAndRepeatNothing(seed: UInt64) {
        var rng = Rng(state: seed)
        var server = RoomTests.config
        server.chatRate = 0
        var p = ResumePair(server: server)
        var bobSaid: [String] = [], aliceTyped: [String] = []
        for step in 0..<60 {
            switch rng.below(10) {
            case 0, 1, 2:
                bobSaid.append("b\(step)")
                p.bobSays(bobSaid.last!)
            case 3, 4:
                aliceTyped.append("a\(step)")
                p.aliceTypes(aliceTyped.last!)
            case 5, 6:
                p.pump()
            case 7, 8:
                // Some of what is in flight arrives, cut anywhere; then the connection breaks.
                guard let c = p.conn else { break }
                let up = Array(p.toServer.prefix(rng.below(p.toServer.count + 1)))
                let down = Array(p.toClient.prefix(rng.below(p.toClient.count + 1)))
                if !up.isEmpty { _ = p.serverStep(.received(conn: c, bytes: Bytes(up))) }
                if !down.isEmpty { p.clientStep(.received(conn: c, bytes: Bytes(down))) }
                p.cut()
            default:
                if p.conn == nil { p.reconnect() }
            }
            p.tick(10)
        }
        if p.conn == nil { p.reconnect() }
        p.pump()
        let fromBob = p.shown.compactMap { line -> String? in
            guard case .chat("bob", _) = line.kind else { return nil }
            return line.text
        }
        let own = p.shown.compactMap { line -> String? in
            guard case .chat("alice", _) = line.kind else { return nil }
            return line.fromLog ? nil : line.text
        }
        #expect(fromBob == bobSaid, "seed \(seed)")
        #expect(own == aliceTyped, "seed \(seed)")
        #expect(p.bobGotFromAlice == aliceTyped, "seed \(seed)")
        #expect(p.client.session?.link.unacked == [] && p.client.session?.queued == [], "seed \(seed)")
    }
}
