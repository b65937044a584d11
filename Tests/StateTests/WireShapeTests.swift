import Testing
@testable import ChatState

/// `KnownShapes`, the decoder of the common bodies straight from their bytes, answers exactly
/// as the general decoder (a `JSONValue` tree, then the fields) on every body: the same value,
/// to the code point, or the same error. Bodies are the shapes as written, with values drawn
/// from good and hostile pools, then rearranged (keys reordered, repeated, dropped, added,
/// escaped, spaced otherwise) and damaged (truncated, bytes changed, inserted, removed).
@Suite struct WireShapeTests {
    /// The same bodies on every run.
    struct Draw {
        var source: SplitMix64
        init(state: UInt64) { source = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { source.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    /// What a member's value is drawn as.
    indirect enum Slot: Sendable {
        case string, optionalString, uid, optionalUID, seq, time, bool, kind, users
        case fixed(String)
        case object([(String, Slot)])
        case list(Slot)
        case oneOf([Slot])
    }

    typealias Shape = [(String, Slot)]

    static func type(_ name: String) -> (String, Slot) { ("type", .fixed("\"\(name)\"")) }

    static let entryMembers: Shape = [("seq", .seq), ("time", .time), ("kind", .kind), ("name", .string),
                                      ("color", .string), ("text", .string)]
    static let entry: Slot = .object(entryMembers)
    static let entries: Slot = .list(entry)
    /// A Resumed's: the asker's own chats carry their ids.
    static let resumedEntries: Slot = .list(.oneOf([entry, .object(entryMembers + [("id", .seq)])]))
    static let member: Shape = [("uid", .uid), ("name", .string), ("color", .string)]

    /// Kind 1, in the original's order ("type" last).
    static let messageShapes: [Shape] = [
        [("uid", .optionalUID), ("text", .string), type("ChatMessage")],
        [("text", .string), type("SystemMessage")],
        [("username", .string), ("color", .string), type("JoinRequest")],
        [("users", .users), ("uid", .optionalUID), type("ServerInfo")],
        [("uid", .optionalUID), ("username", .string), ("color", .string), type("User")],
    ]

    /// Kind 2, in pychat's order ("type" first).
    static let extensionShapes: [Shape] = [
        [type("Stamp"), ("seq", .seq), ("time", .time)],
        [type("RoomEntry"), ("room", .string), ("uid", .uid), ("entry", entry)],
        [type("Chat"), ("id", .seq), ("text", .string)],
        [type("Ack"), ("id", .seq), ("seq", .seq)],
        [type("Say"), ("room", .string), ("text", .string)],
        [type("Join"), ("room", .string), ("uid", .uid), ("name", .string), ("color", .string), ("seq", .seq), ("time", .time)],
        [type("Part"), ("room", .string), ("uid", .uid), ("name", .string), ("seq", .seq), ("time", .time)],
        [type("Marks"), ("ops", .list(.uid)), ("away", .list(.uid))],
        [type("RoomSize"), ("users", .seq)],
        [type("History"), ("room", .string), ("entries", entries), ("more", .bool)],
        [type("Resumed"), ("room", .string), ("lastChat", .seq), ("skipped", .seq), ("through", .seq),
         ("entries", resumedEntries), ("done", .bool)],
        [type("Resumed"), ("room", .string), ("lastChat", .seq), ("skipped", .seq), ("through", .seq), ("log", .string),
         ("entries", resumedEntries), ("done", .bool)],
        [type("Command"), ("line", .string)],
        [type("Command"), ("line", .string), ("room", .string)],
        [type("Command"), ("line", .string), ("after", .seq)],
        [type("Command"), ("line", .string), ("room", .string), ("after", .seq)],
        [type("Notice"), ("text", .string)],
        [type("Notice"), ("text", .string), ("join", .string)],
        [type("Welcome"), ("version", .seq), ("features", .list(.string))],
        [type("Resume"), ("session", .uid), ("after", .seq)],
        [type("Resume"), ("session", .uid), ("after", .fixed("null")), ("log", .string)],
        [type("Join"), ("room", .string)] + member + [("seq", .seq), ("time", .time), ("members", .list(.object(member))),
                                                      ("topic", .optionalString)],
        [type("Search"), ("room", .string), ("words", .list(.string)), ("limit", .seq)],
        [type("SearchResults"), ("room", .string), ("words", .list(.string)), ("entries", entries)],
        [type("Part"), ("room", .string), ("uid", .uid), ("name", .string), ("seq", .seq), ("time", .time),
         ("droppedBy", .string), ("reason", .optionalString)],
    ]

    static let uids = ["5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab", "00000000-0000-4000-8000-000000000001",
                       "ffffffff-ffff-4fff-bfff-ffffffffffff"]
    /// Other spellings Python's UUID() reads, and things that are no uid.
    static let badUIDs = ["\"5D0C2A6E-8F1B-4C3D-9E7F-0123456789AB\"", "\"{5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab}\"",
                          "\"5d0c2a6e8f1b4c3d9e7f0123456789ab\"", "\"urn:uuid:00000000-0000-4000-8000-000000000001\"",
                          "\"5d0c2a6e-8f1b-4c3d-9e7f-0123456789a\"", "\"5d0c2a6e-8f1b-4c3d-9e7f-0123456789ag\"",
                          "\"\\u0035d0c2a6e-8f1b-4c3d-9e7f-0123456789ab\"", "\"0000000-00000-4000-8000-000000000001\"", "7", "\"\""]
    static let numbers = ["0", "7", "42", "1700000000000", "999999999999999999"]
    static let badNumbers = ["-0", "-5", "01", "00", "1.0", "1.", "1e3", "1E+3", "2.5e-3", "-", "9223372036854775807",
                             "9223372036854775808", "99999999999999999999", "-9223372036854775808", "1000000000000000000",
                             "NaN", "Infinity", "-Infinity", "\"3\"", "null", "true", "[]"]
    /// Strings as no writer gives them: escapes of every kind, raw bytes outside ASCII (valid
    /// UTF-8 and not), raw controls, unterminated.
    static let badStrings: [[UInt8]] = [
        "\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\u00E9\"", "\"\\/\\b\\f\"", "\"\\x\"",
        "\"\\u12\"", "\"\\u12g4\"", "\"a\\\"", "\"\\\\\"", "\"\\\"\\\"\"", "\"", "\"abc", "\"\u{1}\"", "\"\t\"", "\"\u{7F}\"",
        "\"\\u0000\"", "null", "5", "[\"a\"]", "{}", "\"chat\"", "\"\\u0063hat\"",
    ].map { Array($0.utf8) } + [[0x22, 0xC3, 0xA9, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC3, 0x22],
                                [0x22, 0x5C, 0xC3, 0xA9, 0x22]]
    /// The characters of drawn texts, written by the writer (escaped as `json.dumps` escapes them).
    static let alphabet: [String] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{E9}",
                                     "e\u{301}", "\u{212B}", "😀", "中", "\u{FFFD}", "\u{2028}", "#", "{", "}", ":", ","]
    static let kinds = ["chat", "join", "leave", "rename", "action", "topic", "moderation", "bogus", "Chat", ""]

    struct Maker {
        var draw: Draw

        mutating func text() -> [UInt8] {
            var s = ""
            for _ in 0..<draw.below(12) { s += draw.pick(WireShapeTests.alphabet) }
            var w = JSONWriter()
            w.string(s)
            return w.bytes
        }

        mutating func uidText() -> [UInt8] { Array("\"\(draw.pick(WireShapeTests.uids))\"".utf8) }

        /// A value for `slot`: mostly a good one, now and then anything at all.
        mutating func value(_ slot: Slot) -> [UInt8] {
            if draw.chance(8) { return anything() }
            switch slot {
            case .string: return draw.chance(85) ? text() : draw.pick(WireShapeTests.badStrings)
            case .uid: return draw.chance(85) ? uidText() : Array(draw.pick(WireShapeTests.badUIDs).utf8)
            case .optionalUID: return draw.chance(25) ? Array("null".utf8) : value(.uid)
            case .seq, .time:
                if draw.chance(80) { return Array(draw.pick(WireShapeTests.numbers).utf8) }
                return Array(draw.pick(WireShapeTests.badNumbers).utf8)
            case .bool: return Array(draw.pick(["true", "false", "1", "null"]).utf8)
            case .kind:
                if draw.chance(15) { return draw.pick(WireShapeTests.badStrings) }
                var w = JSONWriter()
                w.string(draw.pick(WireShapeTests.kinds))
                return w.bytes
            case .optionalString: return draw.chance(25) ? Array("null".utf8) : value(.string)
            case .list(let item):
                if draw.chance(10) { return Array(draw.pick(["{}", "\"x\"", "[1]", "[null]", "[", "[,]", "[[]]"]).utf8) }
                return list((0..<draw.below(4)).map { _ in value(item) })
            case .oneOf(let slots): return value(draw.pick(slots))
            case .users:
                let user: Slot = .object([("uid", .optionalUID), ("username", .string), ("color", .string)])
                let members = (0..<draw.below(5)).map { _ in (String(decoding: value(.uid), as: UTF8.self), user) }
                return object(members.map { ($0.0, value($0.1)) }, rawKeys: true)
            case .fixed(let json): return draw.chance(90) ? Array(json.utf8) : text()
            case .object(let shape): return body(shape)
            }
        }

        mutating func anything() -> [UInt8] {
            switch draw.below(6) {
            case 0: return draw.pick(WireShapeTests.badStrings)
            case 1: return Array(draw.pick(WireShapeTests.badNumbers).utf8)
            case 2: return Array(draw.pick(["true", "false", "null", "{}", "[]", "{\"a\": [1, {\"b\": null}]}"]).utf8)
            case 3: return Array(draw.pick(WireShapeTests.badUIDs).utf8)
            case 4: return Array(String(repeating: "[", count: 70).utf8)
            default: return text()
            }
        }

        func list(_ items: [[UInt8]]) -> [UInt8] {
            var out: [UInt8] = [0x5B]
            for (n, item) in items.enumerated() { out += (n > 0 ? Array(", ".utf8) : []) + item }
            return out + [0x5D]
        }

        /// `{"key": value, …}` with the writer's spacing; `rawKeys`: the keys are JSON already.
        func object(_ members: [(String, [UInt8])], rawKeys: Bool = false,
                    colon: String = ": ", comma: String = ", ") -> [UInt8] {
            var out: [UInt8] = [0x7B]
            for (n, (key, value)) in members.enumerated() {
                if n > 0 { out += Array(comma.utf8) }
                out += Array((rawKeys ? key : "\"\(key)\"").utf8) + Array(colon.utf8) + value
            }
            return out + [0x7D]
        }

        /// A body of `shape`: mostly as written, else rearranged, respaced or with keys escaped.
        mutating func body(_ shape: Shape) -> [UInt8] {
            var members = shape.map { (key: $0.0, value: value($0.1)) }
            var colon = ": ", comma = ", "
            if draw.chance(30) {
                switch draw.below(8) {
                case 0 where members.count > 1:
                    let a = draw.below(members.count), b = draw.below(members.count)
                    members.swapAt(a, b)
                case 1: members.insert(draw.pick(members), at: draw.below(members.count + 1))
                case 2:
                    let k = draw.below(members.count)
                    members.insert((members[k].key, value(shape[k].1)), at: draw.below(members.count + 1))
                case 3: members.remove(at: draw.below(members.count))
                case 4: members.insert((draw.pick(["x", "id", "members", "droppedBy", "type", "log", "entry"]), anything()),
                                       at: draw.below(members.count + 1))
                case 5:
                    let k = draw.below(members.count)
                    let key = members[k].key
                    let first = key.unicodeScalars.first.map { "\\u" + String(repeating: "0", count: 2) + String($0.value, radix: 16) } ?? ""
                    members[k].key = first + key.dropFirst()
                case 6: colon = draw.pick([":", " : ", ":  ", ":\n"])
                default: comma = draw.pick([",", " , ", ",\t", ",  "])
                }
            }
            return object(members.map { ($0.key, $0.value) }, colon: colon, comma: comma)
        }

        /// A body, then perhaps damaged or wrapped.
        mutating func input(_ shapes: [Shape]) -> [UInt8] {
            var b = body(draw.pick(shapes))
            guard draw.chance(30) else { return b }
            switch draw.below(7) {
            case 0: b = Array(b.prefix(draw.below(b.count)))
            case 1: b[draw.below(b.count)] = draw.pick(Array("\"\\{}[],: 0-.e\u{1}".utf8) + [0x00, 0x80, 0xC3, 0xFF])
            case 2: b.insert(draw.pick(Array("\"\\{}[],: 0\n".utf8) + [0xC3, 0xFF]), at: draw.below(b.count + 1))
            case 3: b.remove(at: draw.below(b.count))
            case 4: b = draw.pick([[0x20], [0x0A], Array("\t\r\n".utf8)]) + b + draw.pick([[], [0x20], [0x0A]])
            case 5: b += draw.pick([Array("x".utf8), Array("}".utf8), Array(" {}".utf8), [0x00], [0xFF]])
            default: b = [0x5B] + b + [0x5D]
            }
            return b
        }
    }

    /// Whether two outcomes are the same: the same error, or messages equal and written alike
    /// (String's == would take canonically equivalent texts for one).
    static func same(_ a: Result<Message, DecodeError>, _ b: Result<Message, DecodeError>) -> Bool {
        switch (a, b) {
        case let (.success(x), .success(y)): return x == y && MessageCodec.encode(x) == MessageCodec.encode(y)
        default: return a == b
        }
    }

    static func same(_ a: Result<ExtensionMessage, DecodeError>, _ b: Result<ExtensionMessage, DecodeError>) -> Bool {
        switch (a, b) {
        case let (.success(x), .success(y)): return x == y && ExtensionCodec.frame(x) == ExtensionCodec.frame(y)
        default: return a == b
        }
    }

    static func outcome<T>(_ decode: ([UInt8]) throws(DecodeError) -> T, _ body: [UInt8]) -> Result<T, DecodeError> {
        do { return .success(try decode(body)) } catch { return .failure(error) }
    }

    /// Draws `count` bodies of `shapes` and holds the decoder with its fast path to the general
    /// one on each; returns how many the fast path read and how many the general one refused.
    static func compare<T>(_ shapes: [Shape], seed: UInt64, count: Int, fast: ([UInt8]) -> T?,
                           decode: ([UInt8]) throws(DecodeError) -> T, general: ([UInt8]) throws(DecodeError) -> T,
                           same: (Result<T, DecodeError>, Result<T, DecodeError>) -> Bool) -> (fast: Int, failed: Int) {
        var maker = Maker(draw: Draw(state: seed))
        var read = 0, failed = 0, differ = 0
        for _ in 0..<count {
            let body = maker.input(shapes)
            let reference = outcome(general, body)
            if !same(outcome(decode, body), reference) {
                differ += 1
                if differ <= 5 { Issue.record("differs on \(String(decoding: body, as: UTF8.self).debugDescription)") }
            }
            if fast(body) != nil { read += 1 }
            if case .failure = reference { failed += 1 }
        }
        #expect(differ == 0)
        return (read, failed)
    }

    @Test func theOriginalsMessagesDecodeAsTheGeneralDecoderHasThem() {
        let (fast, failed) = Self.compare(Self.messageShapes, seed: 1, count: 40_000, fast: KnownShapes.message,
                                          decode: MessageCodec.decode, general: MessageCodec.generalDecode, same: Self.same)
        // Both ways are well trodden: read by the fast path, and refused by the general one.
        #expect(fast > 5_000 && failed > 10_000, "fast \(fast), failed \(failed)")
    }

    @Test func extensionMessagesDecodeAsTheGeneralDecoderHasThem() {
        let (fast, failed) = Self.compare(Self.extensionShapes, seed: 2, count: 60_000, fast: KnownShapes.extensionMessage,
                                          decode: ExtensionCodec.decode, general: ExtensionCodec.generalDecode, same: Self.same)
        #expect(fast > 10_000 && failed > 10_000, "fast \(fast), failed \(failed)")
    }

    /// Every body the writers give for the known shapes is read by the fast path (else the
    /// traffic would silently go the slow way), whatever the texts hold.
    @Test func whatTheWritersGiveIsReadStraight() {
        var maker = Maker(draw: Draw(state: 3))
        for n in 0..<300 {
            func text() -> String { String(decoding: maker.text().dropFirst().dropLast(), as: UTF8.self) }
            let uid = UID(WireShapeTests.uids[n % 3])!
            let users = (0..<n % 4).map { UserEntry(key: UID(high: UInt64($0), low: 1), user: WireUser(uid: $0 == 1 ? nil : uid, username: text(), color: text())) }
            let messages: [Message] = [.chat(uid: n % 2 == 0 ? uid : nil, text: text()), .system(text: text()),
                                       .joinRequest(username: text(), color: text()), .serverInfo(users: users, uid: n % 5 == 0 ? nil : uid)]
            for m in messages {
                let body = MessageCodec.encode(m)
                #expect(KnownShapes.message(body) == m, "\(m)")
                #expect(Self.same(Self.outcome(MessageCodec.decode, body), Self.outcome(MessageCodec.generalDecode, body)))
            }
            // An entry's room is the message's (`RoomEntry`'s own field).
            let entry = RoomEntry(room: "general", seq: Int64(n), wallMillis: 1_700_000_000_000 + Int64(n), kind: .chat, author: text(),
                                  authorUID: nil, color: RGB(r: UInt8(n % 256), g: 3, b: 200), text: text())
            let member = RoomMember(uid: uid, name: text(), color: RGB(r: 1, g: 2, b: 3))
            let extensions: [ExtensionMessage] = [
                .stamp(seq: Int64(n), wallMillis: Int64(n) * 1_000_003), .roomEntry(uid: uid, entry), .chat(id: Int64(n), text: text()),
                .ack(id: Int64(n), seq: Int64(n) * 7), .say(room: text(), text: text()),
                .join(RoomJoin(room: "rust", member: member, seq: Int64(n), wallMillis: 5)),
                .part(room: text(), uid: uid, name: text(), seq: 9, wallMillis: 10), .marks(Marks(ops: [uid], away: n % 2 == 0 ? [] : [uid, uid])),
                .roomSize(users: n),
                .history(room: "general", entries: Array(repeating: entry, count: n % 3), more: n % 2 == 0),
                .resumed(ResumedPart(room: "general", lastChat: 3, skipped: n, through: 99, entries: [entry, entry],
                                     ownIDs: [nil, Int64(n)], done: n % 2 == 1, log: n % 3 == 0 ? nil : text())),
                .command(line: text()), .command(line: text(), room: "rust"), .command(line: "/join #rust", room: nil, after: 5),
                .command(line: text(), room: text(), after: Int64(n)),
                .notice(text: text()), .notice(text: text(), refusedJoin: text()),
                .welcome(Capabilities(version: 1, features: (0..<n % 4).map { _ in text() })),
                .resume(session: uid, after: nil), .resume(session: uid, after: Int64(n), log: text()),
                .join(RoomJoin(room: "rust", member: member, seq: 1, wallMillis: 2, whole: ([member, member], n % 2 == 0 ? nil : text()))),
                .search(room: "general", words: [text(), text()], limit: 20),
                .searchResults(room: "general", words: [text()], entries: Array(repeating: entry, count: n % 3)),
            ]
            for m in extensions {
                let body = Array(ExtensionCodec.frame(m).dropFirst(5))
                #expect(KnownShapes.extensionMessage(body) == m, "\(m)")
                #expect(Self.same(Self.outcome(ExtensionCodec.decode, body), Self.outcome(ExtensionCodec.generalDecode, body)))
            }
        }
    }

    /// Each prefix of each shape as written: a frame cut anywhere is the general decoder's to refuse.
    @Test func aBodyCutAnywhereIsRefusedAsTheGeneralDecoderRefusesIt() {
        var maker = Maker(draw: Draw(state: 4))
        for shape in Self.messageShapes + Self.extensionShapes {
            let body = maker.body(shape)
            for n in 0...body.count {
                let cut = Array(body.prefix(n))
                #expect(Self.same(Self.outcome(MessageCodec.decode, cut), Self.outcome(MessageCodec.generalDecode, cut)))
                #expect(Self.same(Self.outcome(ExtensionCodec.decode, cut), Self.outcome(ExtensionCodec.generalDecode, cut)))
            }
        }
    }
}
