import Testing
@testable import ChatState

/// A member that leaves and comes back within an announcement's batching window (issue #13):
/// its leave is in the room log entries it is sent on rejoining (a `Resumed` or a `History`),
/// and it was also in the announcements held for the timer, which went to every member, the
/// rejoined one too: "alice left the chat" twice on her screen. A held announcement whose
/// entries a member's history already covers is not sent to that member.
@Suite struct RejoinAnnouncementTests {
    static let alice = Fix.frame(.joinRequest(username: "alice", color: "ff8800"))

    /// How many times `conn` is told that alice left: as a live line, or as an entry of its history.
    static func leavesShown(_ sent: [UInt8]) throws -> Int {
        var decoder = FrameDecoder(limit: Limits.maxFrameLength, oversized: .skip)
        var count = 0
        for frame in decoder.feed(sent) {
            if frame.kind == FrameCodec.jsonKind, case .system(let text) = try MessageCodec.decode(frame.body) {
                count += text.contains("alice left the chat") ? 1 : 0
            } else if frame.kind == ExtensionCodec.kind {
                let entries: [RoomEntry]
                switch try ExtensionCodec.decode(frame.body) {
                case .resumed(let part): entries = part.entries
                case .history(_, let e, _): entries = e
                default: entries = []
                }
                count += entries.filter { $0.kind == .leave && $0.author == "alice" }.count
            }
        }
        return count
    }

    static func sent(to conn: ConnID, _ effects: [Effect]) -> [UInt8] {
        effects.flatMap { effect -> [UInt8] in
            guard case let .send(to, bytes) = effect, to.contains(conn) else { return [] }
            return bytes.array
        }
    }

    /// bob (original) joins, and at once alice (pychat, `sign`) drops and rejoins as #3, all
    /// within the batching window; then the window closes. What #3 was sent, from its join on.
    static func rejoin(sign: Bytes, resume: Bool) -> [UInt8] {
        var s = HistoryTests.server()
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: sign))
        _ = s.reduce(.received(conn: Fix.c1, bytes: alice))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: HistoryTests.join.bob))
        // Within 100 ms of bob's announcement: alice's leave and join are held.
        _ = s.reduce(.disconnected(conn: Fix.c1, reason: "cut"))
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "a"))
        var effects = s.reduce(.received(conn: Fix.c3, bytes: Bytes(sign.array + alice.array)))
        if resume {
            effects += s.reduce(.received(conn: Fix.c3, bytes: HistoryTests.ext(.resume(session: ResumePair.session, after: 2))))
        }
        effects += s.reduce(.timer(.announce))
        // bob, an original client without history, still hears of both.
        let bobSaw = sent(to: Fix.c2, effects)
        #expect(bobSaw.contains(subsequence: Fix.frame(.system(text: "alice left the chat")).array))
        return sent(to: Fix.c3, effects)
    }

    @Test func aResumingMemberSeesItsOwnLeaveOnce() throws {
        let sent = Self.rejoin(sign: NegotiationTests.sign("pychat/1 room-size history resume context"), resume: true)
        let shown = try Self.leavesShown(sent)
        #expect(shown == 1)
        // Its own join is news to it, and is still announced.
        #expect(sent.contains(subsequence: Fix.frame(.system(text: "alice joined the chat")).array))
    }

    @Test func aMemberSentTheLatestHistorySeesTheLeaveOnce() throws {
        let sent = Self.rejoin(sign: NegotiationTests.sign, resume: false)
        let shown = try Self.leavesShown(sent)
        #expect(shown == 1)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
