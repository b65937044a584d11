import Testing
@testable import ChatState

/// The `commands` feature's messages: exactly the bytes docs/PROTOCOL.md ("Commands") shows, each
/// decoding back, and bad bodies saying what is wrong.
@Suite struct CommandsWireTests {
    static let alice = RGB.cleaned("ff8800")
    static let docExamples: [(ExtensionMessage, String)] = [
        (.command(line: "/nick alicia"), #"{"type": "Command", "line": "/nick alicia"}"#),
        (.notice(text: "bob is away: lunch"), #"{"type": "Notice", "text": "bob is away: lunch"}"#),
        (.notice(text: "You are in 20 rooms besides #general, the most one may be in: /part one first.", refusedJoin: "zz"),
         #"{"type": "Notice", "text": "You are in 20 rooms besides #general, the most one may be in: /part one first.", "join": "zz"}"#),
        (.action(uid: Fix.uid1, name: "alice", color: alice, text: "waves"),
         #"{"type": "Action", "uid": "00000000-0000-4000-8000-000000000001", "name": "alice", "color": "ff8800", "text": "waves"}"#),
        (.privateMessage(PrivateMessage(uid: Fix.uid1, from: "alice", color: alice, to: "bob", text: "psst", echo: false)),
         #"{"type": "Private", "uid": "00000000-0000-4000-8000-000000000001", "from": "alice", "color": "ff8800", "to": "bob", "text": "psst", "echo": false}"#),
        (.who(members: [MemberDetails(name: "host", color: RGB.cleaned("00aa00"), op: true, away: nil, idleSeconds: 12,
                                      hereSeconds: 3600, client: .host),
                        MemberDetails(name: "alice", color: alice, op: false, away: "lunch", idleSeconds: 300,
                                      hereSeconds: 600, client: .original)], total: 2),
         #"{"type": "Who", "members": [{"name": "host", "color": "00aa00", "op": true, "away": null, "idle": 12, "here": 3600, "client": "host"}, {"name": "alice", "color": "ff8800", "op": false, "away": "lunch", "idle": 300, "here": 600, "client": "original"}], "total": 2}"#),
        (.whois(MemberDetails(name: "bob", color: RGB.cleaned("0000ff"), op: false, away: nil, idleSeconds: 5,
                              hereSeconds: 90, client: .pychat)),
         #"{"type": "Whois", "member": {"name": "bob", "color": "0000ff", "op": false, "away": null, "idle": 5, "here": 90, "client": "pychat"}}"#),
    ]

    @Test func theMessagesAreTheDocumentedBytesAndDecodeBack() throws {
        for (message, body) in Self.docExamples {
            let frame = ExtensionCodec.frame(message)
            #expect(frame == FrameCodec.frame(kind: 2, parts: Array(body.utf8)))
            #expect(try ExtensionCodec.decode(Array(frame.dropFirst(5))) == message)
        }
        // The lengths docs/PROTOCOL.md gives in front of each example.
        #expect(Self.docExamples.map { ExtensionCodec.frame($0.0).count - 4 } == [44, 49, 123, 119, 147, 264, 134])
    }

    @Test func badBodiesSayWhatIsWrong() {
        func error(_ json: String) -> String? {
            do {
                _ = try ExtensionCodec.decode(Array(json.utf8))
                return nil
            } catch {
                return error.description
            }
        }
        #expect(error(#"{"type": "Command"}"#) == "Command has no field \"line\"")
        #expect(error(#"{"type": "Command", "line": 7}"#) == "Command.line is a number, expected a string")
        #expect(error(#"{"type": "Action", "uid": "x", "name": "a", "color": "", "text": ""}"#) == "Action.uid is a string, expected a uid")
        #expect(error(#"{"type": "Private", "uid": "00000000-0000-4000-8000-000000000001", "from": "a", "color": "", "to": "b", "text": "", "echo": 1}"#)
            == "Private.echo is a number, expected a boolean")
        #expect(error(#"{"type": "Who", "members": {}, "total": 1}"#) == "Who.members is a object, expected a list of members")
        #expect(error(#"{"type": "Whois", "member": {"name": "a", "color": "", "op": false, "away": null, "idle": 1, "here": 1, "client": "robot"}}"#)
            == "Whois member.client is a string, expected a host, pychat or original")
    }

    @Test func memberLinesSayWhoIsHere() {
        guard case let .who(members, total) = Self.docExamples[4].0 else { return }
        #expect(MemberDetails.whoLines(members, total: total) == ["2 members here:", "  @host idle 12s", "  alice (away: lunch) idle 5m"])
        #expect(MemberDetails.whoLines(Array(members.prefix(1)), total: 60) == ["60 members here:", "  @host idle 12s", "  and 59 more"])
        guard case let .whois(bob) = Self.docExamples[5].0 else { return }
        #expect(bob.whoisLine == "bob: colour 0000ff, a pychat client, here 1m, idle 5s")
        #expect(members[0].whoisLine == "host: colour 00aa00, the host, an op, here 1h, idle 12s")
        #expect(members[1].whoisLine == "alice: colour ff8800, an original PyChat client, here 10m, idle 5m, away: lunch")
        #expect(MemberDetails.duration(2 * 86_400 + 5) == "2d")
    }

    @Test func aWhoOfTheMostMembersWithTheLongestNamesAndAwayTextsFitsInAFrame() {
        let name = String(repeating: "\u{4e00}", count: Limits.maxNameLength)
        let away = TextRules.fitted(String(repeating: "\u{1F600}", count: 200), characters: Limits.maxAwayLength, bytes: Limits.maxAwayBytes)
        let m = MemberDetails(name: TextRules.cleanName(name), color: Self.alice, op: false, away: away,
                              idleSeconds: Int.max, hereSeconds: Int.max, client: .original)
        let frame = ExtensionCodec.frame(.who(members: Array(repeating: m, count: Limits.whoListed), total: Int.max))
        #expect(frame.count - 4 <= Limits.maxFrameLength)
    }
}
