import Testing
@testable import ChatState

/// The lengths of the frames in one send effect's bytes (each length field's value).
func frameLengths(_ bytes: [UInt8]) -> [Int] {
    var lengths: [Int] = []
    var i = 0
    while i + 4 <= bytes.count {
        let n = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
        lengths.append(n)
        i += 4 + n
    }
    return lengths
}

/// Every length of every frame the effects send.
func sentFrameLengths(_ effects: [Effect]) -> [Int] {
    effects.flatMap { effect -> [Int] in
        if case let .send(_, bytes) = effect { return frameLengths(bytes.array) }
        return []
    }
}

/// Duplicate keys as Python's json.loads finds them: the same code points, not canonically
/// equivalent strings (what Swift's `==` compares), the last value in the first key's place.
@Suite struct JSONDuplicateKeyTests {
    func members(_ json: String) throws -> [(String, JSONValue)] {
        guard case .object(let m) = try JSONParser.parse(Array(json.utf8)) else { return [] }
        return m
    }

    @Test func theLastValueWinsInTheFirstPlace() throws {
        let m = try members(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(m.map(\.0) == ["a", "b"])
        #expect(m.map(\.1) == [.number("3"), .number("2")])
    }

    @Test func canonicallyEquivalentKeysAreDistinct() throws {
        // json.loads('{"\u00e9": 1, "e\u0301": 2}') has two keys.
        let m = try members(#"{"\u00e9": 1, "e\u0301": 2, "é": 3}"#)
        #expect(m.count == 2)
        #expect(m.map { Array($0.0.unicodeScalars) } == [["\u{e9}"], ["e", "\u{301}"]])
        #expect(m.map(\.1) == [.number("3"), .number("2")])
    }

    @Test func distinctLoneSurrogatesAreDistinctKeys() throws {
        // json.loads('{"\ud800": 1, "\ud801": 2, "\ud800": 3}') keeps '\ud800': 3 and '\ud801': 2.
        let m = try members(#"{"\ud800": 1, "\ud801": 2, "\ud800": 3, "\ud800\udc00": 4, "𐀀": 5}"#)
        #expect(m.map(\.0) == ["\u{FFFD}", "\u{FFFD}", "\u{10000}"])
        #expect(m.map(\.1) == [.number("3"), .number("2"), .number("5")])
        // As a value, a lone surrogate is still one U+FFFD.
        #expect(try JSONParser.parse(Array(#""a\udc00b""#.utf8)) == .string("a\u{FFFD}b"))
    }

    /// The probe of issue #11: ~7 300 distinct keys of combining marks in one 64 KiB body.
    /// Each is its own member; the work is one hash per key (the benchmark times it).
    @Test func aFrameOfManyCombiningMarkKeys() throws {
        var body = "{"
        var n = 0
        while body.utf8.count < 60_000 {
            let key = String(String.UnicodeScalarView((0..<3).map { Unicode.Scalar(0x300 + (n >> ($0 * 4)) & 0xF)! }))
            body += "\"\(key)\(n)\": 0, "
            n += 1
        }
        body += "\"type\": \"Probe\"}"
        let m = try members(body)
        #expect(m.count == n + 1)
        #expect(throws: DecodeError.unknownType("Probe")) { try ExtensionCodec.decode(Array(body.utf8)) }
    }
}

@Suite struct TextLimitTests {
    static let thumbs = String(repeating: "👍🏽", count: 3000)

    @Test func lengthCountsALongClusterByItsCodePoints() {
        #expect(TextRules.length("héllo 👍🏽 👨‍👩‍👧‍👦") == 9)
        let heavy = "a" + String(repeating: "\u{301}", count: 1000)
        #expect(heavy.count == 1)
        #expect(TextRules.length(heavy) == 1001)
        // Exactly at the limit is one character still.
        #expect(TextRules.length("a" + String(repeating: "\u{301}", count: Limits.maxClusterScalars - 1)) == 1)
    }

    @Test func refusalsByCharactersAndByBytes() {
        #expect(TextRules.refusal(String(repeating: "é", count: Limits.maxTextLength)) == nil)
        #expect(TextRules.refusal(String(repeating: "😀", count: Limits.maxTextLength)) == nil)  // 49 152 bytes
        #expect(TextRules.refusal(Self.thumbs) == .tooBig(bytes: 72_000))
        #expect(TextRules.refusal(Self.thumbs)?.notice == "Message not sent: it takes 72000 bytes to send, the limit is 65000.")
        let zalgo = String(repeating: "a" + String(repeating: "\u{301}", count: 1100), count: 4)
        #expect(TextRules.refusal(zalgo) == .tooLong(characters: 4404))
    }

    @Test func encodedLengthIsWhatTheWriterWrites() {
        for s in ["", "plain", "\"\\\n\r\t\u{8}\u{c}", "\u{0}\u{1f}\u{7f}é中", "😀👍🏽", Self.thumbs] {
            var w = JSONWriter()
            w.string(s)
            #expect(JSONWriter.encodedLength(s) == w.bytes.count - 2, "\(s.prefix(10))")
        }
    }

    @Test func theServerRefusesATextOverTheByteLimitWithANotice() {
        var s = RoomTests().roomWithAlice()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        let notice = "Message not sent: it takes 72000 bytes to send, the limit is 65000."
        // 24 KB as raw UTF-8 (valid JSON), but 72 KB once escaped as the original writes it.
        let raw = Fix.rawFrame(#"{"uid": null, "text": ""# + Self.thumbs + #"", "type": "ChatMessage"}"#)
        #expect(raw.array.count < 25_000)
        s.send(.received(conn: Fix.c1, bytes: raw), [
            .log("refused 72000-byte message from #1"),
            .send(.system(text: notice), to: Fix.c1),
        ])
        // A refusal is an answer, not a protocol error: pasting too much is no attack.
        #expect(s.room.violations(of: Fix.c1) == 0)
        // The host is refused the same way, on its own screen.
        s.send(.inputLine(Self.thumbs), [], shows: [.notice(notice)])
        // One cluster of 1100 accents counts as 1101 characters, not one.
        let zalgo = String(repeating: "a" + String(repeating: "\u{301}", count: 1100), count: 4)
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: zalgo))), [
            .log("refused 4404-character message from #1"),
            .send(.system(text: "Message not sent: it has 4404 characters, the limit is 4096."), to: Fix.c1),
        ])
    }

    @Test func aClientNeverSendsATextOverTheByteLimit() {
        var s = TestStore(ClientSessionTests.config)
        _ = s.reduce(.connected(conn: ConnID(0), remote: "r"))
        _ = s.reduce(.received(conn: ConnID(0), bytes: ClientSessionTests().table(Fix.uid1)))
        let notice = "Message not sent: it takes 72000 bytes to send, the limit is 65000."
        s.send(.inputLine(Self.thumbs), [.print("* \(notice)")], shows: [.notice(notice)])
    }

    @Test func theLimitsFitInOneFrame() {
        let name = String(repeating: "é", count: Limits.maxNameBytes / 6) + String(repeating: "a", count: Limits.maxNameBytes % 6)
        #expect(JSONWriter.encodedLength(name) == Limits.maxNameBytes)
        func table(_ n: Int) -> MessageCodec.ServerInfoTemplate {
            MessageCodec.ServerInfoTemplate(users: (0..<n).map {
                let uid = UID(high: 9, low: UInt64($0))
                return UserEntry(key: uid, user: WireUser(uid: uid, username: name, color: "ffffff"))
            })
        }
        // A whole table of a room that keeps whole tables (the host too), and any short table.
        #expect(table(Limits.wholeTableMembers + 1).fitsInAFrame)
        #expect(table(Limits.recentSpeakers + 2).fitsInAFrame)
        // The longest text in a ChatMessage, and the longest announcement.
        let text = String(repeating: "x", count: Limits.maxTextBytes)
        #expect(FrameCodec.frame(.chat(uid: Fix.uid1, text: text)).count - FrameCodec.headerLength <= Limits.maxFrameLength)
        let names = Array(repeating: name, count: Limits.announcedNames)
        #expect(FrameCodec.frame(.system(text: Room.announcement(joined: true, names))).count < Limits.maxFrameLength)
    }
}

@Suite struct NameLimitTests {
    @Test func aNameIsCutPerClusterAndInBytes() {
        // Issue #11's name: 30 characters of "a" and 1000 accents, 60 KB.
        let heavy = String(repeating: "a" + String(repeating: "\u{301}", count: 1000), count: 30)
        let cleaned = TextRules.cleanName(heavy)
        let kept = "a" + String(repeating: "\u{301}", count: Limits.maxClusterScalars - 1)
        #expect(cleaned.unicodeScalars.elementsEqual((kept + kept).unicodeScalars))
        #expect(JSONWriter.encodedLength(cleaned) == 374)
        // 32 thumbs with a skin tone are 768 bytes: 21 of them fit in 512.
        #expect(TextRules.cleanName(String(repeating: "👍🏽", count: 32)) == String(repeating: "👍🏽", count: 21))
        #expect(TextRules.cleanName(String(repeating: "中", count: 40)) == String(repeating: "中", count: 32))
    }

    @Test func aSuffixKeepsTheNameWithinItsBytes() {
        var names = UniqueNames()
        let base = String(repeating: "😀", count: 32)  // 384 bytes: within both limits
        _ = names.claim(base)
        #expect(names.claim(base).name == String(repeating: "😀", count: 31) + "2")
        let wide = TextRules.cleanName(String(repeating: "👍🏽", count: 32))
        _ = names.claim(wide)
        let second = names.claim(wide).name
        #expect(second == wide + "2")
        #expect(JSONWriter.encodedLength(second) <= Limits.maxNameBytes)
    }

    @Test func aClientSendsItsNameCleaned() {
        let heavy = String(repeating: "a" + String(repeating: "\u{301}", count: 1000), count: 30)
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: heavy, color: "ff8800"))
        let effects = app.reduce(.connected(conn: ConnID(0), remote: "r"))
        #expect(effects.contains(.send(to: [ConnID(0)], bytes: Fix.frame(.joinRequest(username: TextRules.cleanName(heavy),
                                                                                      color: "ff8800")))))
        #expect(sentFrameLengths(effects).allSatisfy { $0 < 1000 })
    }
}

@Suite struct TableLimitTests {
    /// 500 members named memberNNNN: their whole table is 67 KB, over the frame limit, so the
    /// members who must learn of a new speaker get short tables, and no frame is over it.
    @Test func aTableOverTheFrameLimitGoesOutShort() {
        var s = TestStore(RoomTests.config)
        let count = 500
        func conn(_ n: Int) -> ConnID { ConnID(UInt64(10 + n)) }
        func uid(_ n: Int) -> UID { UID(high: 7, low: UInt64(n)) }
        var lengths: [Int] = []
        for n in 0..<count {
            lengths += sentFrameLengths(s.reduce(.accepted(conn: conn(n), uid: uid(n), remote: "r")))
            let join = Fix.frame(.joinRequest(username: "member\(1000 + n)", color: "000000"))
            lengths += sentFrameLengths(s.reduce(.received(conn: conn(n), bytes: join)))
        }
        lengths += sentFrameLengths(s.reduce(.timer(.announce)))
        let whole = MessageCodec.ServerInfoTemplate(users: s.room.members.map {
            UserEntry(key: $0.uid, user: WireUser(uid: $0.uid, username: $0.name, color: $0.color.description))
        })
        #expect(!whole.fitsInAFrame)
        // The last joiner speaks: everyone else must learn of it first.
        let effects = s.reduce(.received(conn: conn(count - 1), bytes: Fix.frame(.chat(uid: nil, text: "hi all"))))
        lengths += sentFrameLengths(effects)
        #expect(lengths.allSatisfy { $0 <= Limits.maxFrameLength }, "\(lengths.max() ?? 0)")
        var told = Set<ConnID>()
        for case let .send(to, bytes) in effects {
            guard case .serverInfo(let users, _)? = try? MessageCodec.decode(bytes.array.dropFirst(5)) else { continue }
            #expect(users.contains { $0.key == uid(count - 1) })
            told.formUnion(to)
        }
        // The first 64 had whole tables from before the speaker joined; they are told now.
        #expect(told.isSuperset(of: (0..<64).map(conn)))
        // Each short table is the canonical encoding of the table it lists, the receiver last.
        for case let .send(to, bytes) in effects {
            guard case let .serverInfo(users, receiver?)? = try? MessageCodec.decode(bytes.array.dropFirst(5)) else { continue }
            #expect(to == [conn(Int(receiver.low))] && users.last?.key == receiver)
            #expect(bytes == Fix.frame(.serverInfo(users: users, uid: receiver)))
        }
        #expect(effects.last == .send(to: (0..<count - 1).map(conn), bytes: Fix.frame(.chat(uid: uid(count - 1), text: "hi all"))))
    }
}

@Suite struct ShortTableTemplateTests {
    static func entry(_ n: Int, _ name: String) -> UserEntry {
        let uid = UID(high: 9, low: UInt64(n))
        return UserEntry(key: uid, user: WireUser(uid: uid, username: name, color: "00aa00"))
    }

    /// The shared part written once and each receiver's entry added give the very bytes of the
    /// whole ServerInfo: with no one shared (a server with no host and no speaker yet), one,
    /// and the most a short table holds; names that JSON escapes.
    @Test func eachFrameIsTheServerInfoOfTheSharedUsersAndTheReceiver() {
        let names = ["host", "ali\"ce", "b\\ob", "\u{1F44D}\u{1F3FD} thumbs", "\u{7}bell", "名前"]
        for count in [0, 1, Limits.recentSpeakers + 1] {
            let shared = (0..<count).map { Self.entry($0, names[$0 % names.count] + "\($0)") }
            let template = MessageCodec.ShortTableTemplate(users: shared)
            for own in [Self.entry(100, "me"), Self.entry(101, "m\u{E9} \"quoted\"")] {
                #expect(Bytes(template.frame(for: own)) == Fix.frame(.serverInfo(users: shared + [own], uid: own.key)),
                        "\(count) shared, receiver \(own.user.username)")
            }
        }
    }
}

@Suite struct RefusedFrameTests {
    /// Issue #11's probe: a 64 KiB kind-2 frame of many keys and an unknown type, sent again
    /// and again by a peer that gave no pychat sign. Each counts as a protocol error, so the
    /// fifth closes the connection.
    @Test func anUnknownExtensionRepeatedIsClosed() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        var body = "{"
        for n in 0..<5000 { body += "\"k\(n)\": 0, " }
        body += "\"type\": \"Probe\"}"
        let probe = FrameCodec.frame(kind: ExtensionCodec.kind, parts: Array(body.utf8))
        var effects: [Effect] = []
        for _ in 0..<Limits.maxProtocolViolations { effects += s.reduce(.received(conn: Fix.c1, bytes: Bytes(probe))) }
        let reason = "an extension frame before the pychat sign"
        #expect(effects.filter { $0 == .log("protocol error from #1: " + reason) }.count == 5)
        #expect(effects.contains(.close(conn: Fix.c1, reason: "5 protocol errors, the last: " + reason)))
        #expect(!s.room.isConnected(Fix.c1))
    }

    @Test func aPeersStringsInALogLineAreCutAndQuoted() {
        let key = "\u{1b}[31m" + String(repeating: "k", count: 10_000)
        let error = DecodeError.extraField(type: "ChatMessage", field: key)
        // The one quoting of log lines (`quoted`): the escape made visible, the rest cut.
        #expect(error.description == "ChatMessage has an unexpected field \"\\u{1B}[31m"
            + String(repeating: "k", count: LogText.shownCharacters - 5) + "\"... (10005 code points)")
    }
}
