import Testing
@testable import ChatState

/// A room besides `#general` rejoined after a reconnect, at the server, exhaustively: a `/join`
/// Command carrying `after` from a member that resumed is answered, after its `Join`, with a
/// `Resumed` of the room holding every entry after `after` and before the rejoin: from memory
/// when it holds them, from the store past it, the newest page and a count past the bound; the
/// rejoiner's own chats marked; `after` ignored without `resume`; nothing for a member that left.
@Suite struct RoomResumeTests {
    typealias R = RoomCommandTests
    typealias T = RoomsTests
    static let dave = RoomMember(uid: UID("00000000-0000-4000-8000-000000000004")!, name: "dave", color: RGB.cleaned("00cccc"))
    static let c4 = ConnID(4)
    static let session = ResumePair.session
    static let resumeSign = NegotiationTests.sign("pychat/1 history resume commands rooms")

    /// RoomsTests' room with #rust (bob, carol), carol having said `said` lines there, and dave, a
    /// resuming client, joined and resumed in #general (not in #rust yet).
    static func room(said: Int) -> TestStore {
        var s = T.rust()
        for n in 1...max(1, said) where said > 0 {
            _ = s.reduce(.received(conn: Fix.c3, bytes: R.ext(.say(room: "rust", text: "line \(n)"))))
        }
        _ = s.reduce(.accepted(conn: c4, uid: dave.uid, remote: "d"))
        _ = s.reduce(.received(conn: c4, bytes: resumeSign))
        _ = s.reduce(.received(conn: c4, bytes: Fix.frame(.joinRequest(username: "dave", color: "00cccc"))))
        _ = s.reduce(.received(conn: c4, bytes: R.ext(.resume(session: session, after: nil))))
        _ = s.reduce(.timer(.announce))
        return s
    }

    static func rejoin(after: Int64?) -> Bytes { R.ext(.command(line: "/join #rust", after: after)) }

    /// Carol's line `n` in #rust: entry 2 + n (bob's join is 1, carol's 2).
    static func line(_ n: Int) -> RoomEntry { T.entry(Int64(2 + n), .chat, T.carol, "line \(n)") }

    /// The effects of dave's rejoin up to its `Join` (the join is entry `seq`).
    static func joined(_ seq: Int64) -> [Effect] {
        [.log("join #rust #4 \"dave\""),
         .send(to: [c4], bytes: R.ext(.join(RoomJoin(room: "rust", member: dave, seq: seq, wallMillis: 0,
                                                     whole: ([T.bob, T.carol, dave], nil)))))]
    }

    static func told(_ seq: Int64) -> Effect {
        .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.join(RoomJoin(room: "rust", member: dave, seq: seq, wallMillis: 0))))
    }

    static func resumed(_ entries: [RoomEntry], skipped: Int = 0, through: Int64, ownIDs: [Int64?]? = nil) -> [Effect] {
        ExtensionCodec.frames(ResumedPart(room: "rust", lastChat: 0, skipped: skipped, through: through, entries: entries,
                                          ownIDs: ownIDs, done: true)).map { .send(to: [c4], bytes: Bytes($0)) }
    }

    @Test func whatMemoryHoldsIsAnsweredAtOnceOldestFirst() {
        var s = Self.room(said: 50)
        // dave had shown up to line 20 (entry 22): lines 21 to 50 follow, then its join (53).
        s.send(.received(conn: Self.c4, bytes: Self.rejoin(after: 22)),
               Self.joined(53) + Self.resumed((21...50).map(Self.line), through: 52) + [Self.told(53)])
        // Nothing missed: an empty answer, so the client stops holding the room's live lines.
        var t = Self.room(said: 3)
        t.send(.received(conn: Self.c4, bytes: Self.rejoin(after: 5)), Self.joined(6) + Self.resumed([], through: 5) + [Self.told(6)])
    }

    @Test func pastMemoryTheStoreIsAskedAndItsAnswerSentIfTheMemberIsStillThere() {
        var s = Self.room(said: 150)
        // Memory holds the latest 100 of #rust: the 150 after entry 2 are asked of the store.
        s.send(.received(conn: Self.c4, bytes: Self.rejoin(after: 2)), Self.joined(153) + [
            .log("#4 rejoins #rust having missed 150 entries, more than memory holds: asked of the room log"),
            .queryHistory(HistoryQuery(id: 1, room: "rust", range: .after(seq: 2), limit: 150)),
            Self.told(153),
        ])
        // The store answers as it does, the oldest first, its own join after them cut off.
        let stored = (1...150).map(Self.line) + [T.entry(153, .join, Self.dave)]
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: stored, more: false)), Self.resumed(Array(stored.prefix(150)), through: 152))
        // A member that left the room before the answer came is sent nothing of it.
        var t = Self.room(said: 150)
        _ = t.reduce(.received(conn: Self.c4, bytes: Self.rejoin(after: 2)))
        _ = t.reduce(.received(conn: Self.c4, bytes: T.command("/part #rust")))
        t.send(.historyAnswered(HistoryAnswer(id: 1, entries: stored, more: false)), [])
    }

    @Test func pastTheBoundTheNewestPageAndHowManyMoreWereMissed() {
        var s = Self.room(said: 1_100)
        // 1 100 missed, over `resumeMaxMissed`: the newest 100 before the join, 1 000 skipped.
        s.send(.received(conn: Self.c4, bytes: Self.rejoin(after: 2)), Self.joined(1_103) + [
            .queryHistory(HistoryQuery(id: 1, room: "rust", range: .before(seq: 1_103), limit: 100)),
            Self.told(1_103),
        ])
        let page = (1_001...1_100).map(Self.line)
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: page, more: true)), Self.resumed(page, skipped: 1_000, through: 1_102))
    }

    @Test func theRejoinersOwnChatsAreMarkedAndAfterIsIgnoredWithoutResume() {
        var s = Self.room(said: 2)
        _ = s.reduce(.received(conn: Self.c4, bytes: Self.rejoin(after: nil)))
        _ = s.reduce(.received(conn: Self.c4, bytes: R.ext(.say(room: "rust", text: "mine"))))
        _ = s.reduce(.received(conn: Self.c4, bytes: T.command("/part #rust")))
        _ = s.reduce(.received(conn: Fix.c3, bytes: R.ext(.say(room: "rust", text: "after"))))
        // The session's own chat carries id 0 (a Say has no id of its own): shown when typed.
        let mine = RoomEntry(room: "rust", seq: 6, wallMillis: 0, kind: .chat, author: "dave", authorUID: Self.dave.uid,
                             color: Self.dave.color, text: "mine", clientID: Self.session.description + "/0")
        let entries = [mine, T.entry(7, .leave, Self.dave), T.entry(8, .chat, T.carol, "after")]
        s.send(.received(conn: Self.c4, bytes: Self.rejoin(after: 5)),
               Self.joined(9) + Self.resumed(entries, through: 8, ownIDs: [0, nil, nil]) + [Self.told(9)])
        // carol did not resume: her `after` asks for nothing, and she gets the latest page.
        var t = Self.room(said: 1)
        _ = t.reduce(.received(conn: Fix.c3, bytes: T.command("/part #rust")))
        let effects = t.reduce(.received(conn: Fix.c3, bytes: R.ext(.command(line: "/join #rust", after: 2))))
        #expect(effects.contains(.send(to: [Fix.c3], bytes: R.ext(.history(room: "rust", entries: [
            T.entry(1, .join, T.bob), T.entry(2, .join, T.carol), Self.line(1), T.entry(4, .leave, T.carol),
        ], more: false)))))
        #expect(!effects.contains { if case let .send(_, b) = $0 { b.array.count > 10 && String(decoding: b.array, as: UTF8.self).contains("Resumed") } else { false } })
    }
}
