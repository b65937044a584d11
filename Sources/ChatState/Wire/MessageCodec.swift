/// Exactly what is wrong with a JSON frame's body. Whatever came from the peer (a type, a field
/// name, a value) is `quoted`, since the description goes to the log.
public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case badUTF8
    case badJSON(reason: String, offset: Int)
    case notAnObject(found: String)
    case missingType
    case unknownType(String)
    case missingField(type: String, field: String)
    case extraField(type: String, field: String)
    case wrongFieldType(type: String, field: String, expected: String, found: String)
    case badUUID(type: String, field: String, value: String)

    public var description: String {
        switch self {
        case .badUTF8: return "body is not valid UTF-8"
        case let .badJSON(reason, offset): return "bad JSON at byte \(offset): \(reason)"
        case let .notAnObject(found): return "body is a JSON \(found), not an object"
        case .missingType: return "no \"type\" field"
        case let .unknownType(t): return "unknown type \(quoted(t))"
        case let .missingField(t, f): return "\(t) has no field \(quoted(f))"
        case let .extraField(t, f): return "\(t) has an unexpected field \(quoted(f))"
        case let .wrongFieldType(t, f, e, found): return "\(t).\(f) is a \(found), expected a \(e)"
        case let .badUUID(t, f, v): return "\(t).\(f) is not a UUID: \(quoted(v))"
        }
    }
}

/// Encoding and decoding of message bodies (the JSON after the kind byte).
public enum MessageCodec {
    // MARK: Encoding, byte-identical to the original: fields in its dataclass order, "type" last.

    public static func encode(_ message: Message) -> [UInt8] {
        var w = JSONWriter()
        write(message, into: &w)
        return w.bytes
    }

    static func write(_ message: Message, into w: inout JSONWriter) {
        switch message {
        case let .joinRequest(username, color):
            w.raw("{\"username\": "); w.string(username)
            w.raw(", \"color\": "); w.string(color)
            w.raw(", \"type\": \"JoinRequest\"}")
        case let .serverInfo(users, uid):
            writeUsers(users, into: &w)
            w.raw(", \"uid\": "); w.uid(uid)
            w.raw(", \"type\": \"ServerInfo\"}")
        case let .chat(uid, text):
            w.raw("{\"uid\": "); w.uid(uid)
            w.raw(", \"text\": "); w.string(text)
            w.raw(", \"type\": \"ChatMessage\"}")
        case let .system(text):
            w.raw("{\"text\": "); w.string(text)
            w.raw(", \"type\": \"SystemMessage\"}")
        case let .user(user):
            writeUserFields(user, into: &w)
            w.raw(", \"type\": \"User\"}")
        }
    }

    /// The ServerInfo a room sends to each member differs only in the receiver's uid, so the
    /// users part is written once and each receiver's frame is that prefix plus a short tail.
    public struct ServerInfoTemplate: Sendable {
        let prefix: [UInt8]

        public init(users: [UserEntry]) {
            var w = JSONWriter(capacity: 32 + users.count * 110)
            MessageCodec.writeUsers(users, into: &w)
            w.raw(", \"uid\": ")
            prefix = w.bytes
        }

        private static let tail: [UInt8] = Array(", \"type\": \"ServerInfo\"}".utf8)
        /// A quoted uid is always 38 bytes.
        private static let uidLength = 38

        /// Whether each receiver's frame is within `Limits.maxFrameLength`, so that every
        /// pychat accepts it. A room of hundreds of long names can make it not so.
        public var fitsInAFrame: Bool {
            FrameCodec.fits(bodyLength: prefix.count + Self.uidLength + Self.tail.count)
        }

        /// The whole frame (header, kind, body) for one receiver.
        public func frame(for receiver: UID) -> [UInt8] {
            var w = JSONWriter(frameKind: FrameCodec.jsonKind, capacity: prefix.count + Self.uidLength + Self.tail.count)
            w.raw(prefix)
            w.uid(receiver)
            w.raw(Self.tail)
            return w.finishFrame()
        }
    }

    /// A short table's ServerInfo (the host, the recent speakers, then the receiver): what all
    /// receivers share written once, each frame that plus the receiver's own entry and uid.
    /// Byte for byte the ServerInfo of `users + [own]` for `own`'s uid.
    public struct ShortTableTemplate: Sendable {
        let prefix: [UInt8]
        let empty: Bool

        public init(users: [UserEntry]) {
            var w = JSONWriter(capacity: 16 + users.count * 110)
            MessageCodec.writeUsers(users, into: &w, closed: false)
            prefix = w.bytes
            empty = users.isEmpty
        }

        public func frame(for own: UserEntry) -> [UInt8] {
            var w = JSONWriter(frameKind: FrameCodec.jsonKind, capacity: prefix.count + 200)
            w.raw(prefix)
            if !empty { w.raw(", ") }
            w.uid(own.key)
            w.raw(": ")
            MessageCodec.writeUser(own.user, into: &w)
            w.raw("}, \"uid\": ")
            w.uid(own.key)
            w.raw(", \"type\": \"ServerInfo\"}")
            return w.finishFrame()
        }
    }

    static func writeUsers(_ users: [UserEntry], into w: inout JSONWriter, closed: Bool = true) {
        w.raw("{\"users\": {")
        for (n, entry) in users.enumerated() {
            if n > 0 { w.raw(", ") }
            w.uid(entry.key)
            w.raw(": ")
            writeUser(entry.user, into: &w)
        }
        if closed { w.raw("}") }
    }

    static func writeUser(_ user: WireUser, into w: inout JSONWriter) {
        writeUserFields(user, into: &w)
        w.raw("}")
    }

    /// A user object without its closing brace, so a bare `User` message can append "type".
    static func writeUserFields(_ user: WireUser, into w: inout JSONWriter) {
        w.raw("{\"uid\": "); w.uid(user.uid)
        w.raw(", \"username\": "); w.string(user.username)
        w.raw(", \"color\": "); w.string(user.color)
    }

    // MARK: The fast path of a relayed chat

    private static let plainChatHead: [UInt8] = Array("{\"uid\": ".utf8)
    private static let plainChatMiddle: [UInt8] = Array(", \"text\": \"".utf8)
    private static let plainChatTail: [UInt8] = Array("\", \"type\": \"ChatMessage\"}".utf8)

    /// Where the text is, when `body` is a ChatMessage exactly as the original writes it
    /// (`{"uid": UID-or-null, "text": "...", "type": "ChatMessage"}`, canonical lower-case uid)
    /// and its text is printable ASCII without quote or backslash. Such a body decodes to
    /// `.chat` with exactly these bytes as its text; anything else gives nil and goes through
    /// `decode`, so the answer never differs from the full decoder's.
    public static func plainChatText(_ body: [UInt8]) -> Range<Int>? {
        body.withUnsafeBytes { b -> Range<Int>? in
            let n = b.count
            var i = plainChatHead.count
            guard n > i + 4 + plainChatMiddle.count + plainChatTail.count, let p = b.baseAddress,
                  equal(p, plainChatHead) else { return nil }
            if p.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "n") {
                guard equal(p + i, plainNull) else { return nil }
                i += 4
            } else {
                guard n > i + 38, p.load(fromByteOffset: i, as: UInt8.self) == 0x22,
                      p.load(fromByteOffset: i + 37, as: UInt8.self) == 0x22, isCanonicalUID(p + i + 1) else { return nil }
                i += 38
            }
            guard n >= i + plainChatMiddle.count + plainChatTail.count, equal(p + i, plainChatMiddle) else { return nil }
            let start = i + plainChatMiddle.count
            let end = n - plainChatTail.count
            guard start <= end, equal(p + end, plainChatTail) else { return nil }
            return isPlainText(p + start, count: end - start) ? start..<end : nil
        }
    }

    private static let plainNull: [UInt8] = Array("null".utf8)

    /// Whether the bytes at `p` are `literal`'s, compared a word at a time (the relay's fast
    /// path checks three literals per chat).
    @inline(__always)
    static func equal(_ p: UnsafeRawPointer, _ literal: [UInt8]) -> Bool {
        literal.withUnsafeBytes { l in
            let n = l.count
            var k = 0
            while k &+ 8 <= n {
                if p.loadUnaligned(fromByteOffset: k, as: UInt64.self) != l.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                    return false
                }
                k &+= 8
            }
            while k < n {
                if p.load(fromByteOffset: k, as: UInt8.self) != l[k] { return false }
                k &+= 1
            }
            return true
        }
    }

    /// Whether the 36 bytes at `p` are a uid in canonical form: lower-case hex in 8-4-4-4-12.
    static func isCanonicalUID(_ p: UnsafeRawPointer) -> Bool {
        var bad: UInt8 = 0
        for k in 0..<36 {
            let c = p.load(fromByteOffset: k, as: UInt8.self)
            if k == 8 || k == 13 || k == 18 || k == 23 {
                bad |= c ^ UInt8(ascii: "-")
            } else {
                // Digits and a-f, without a branch: each test is 0 or 1.
                let digit = UInt8(truncatingIfNeeded: (c &- 0x30) < 10 ? 1 : 0)
                let letter = UInt8(truncatingIfNeeded: (c &- 0x61) < 6 ? 1 : 0)
                bad |= (digit | letter) ^ 1
            }
        }
        return bad == 0
    }

    /// Whether every byte is printable ASCII (0x20...0x7E) other than quote and backslash: the
    /// bytes JSON writes as they are. Eight bytes a step, as one word (the relay's hot loop);
    /// `hasZeroByte(w)` is nonzero exactly when some byte of `w` is zero, and
    /// `hasByteBelow(w, n)` when some byte is below `n` (n <= 128).
    static func isPlainText(_ p: UnsafeRawPointer, count: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ w: UInt64) -> UInt64 { (w &- ones) & ~w & highs }
        var k = 0
        var flags: UInt64 = 0
        while k &+ 8 <= count {
            let w = p.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            flags |= (w &- ones &* 0x20) & ~w & highs   // a byte below 0x20
            flags |= w & highs                           // a byte of 0x80 or more
            flags |= hasZeroByte(w ^ (ones &* 0x7F))     // DEL
            flags |= hasZeroByte(w ^ (ones &* 0x22))     // quote
            flags |= hasZeroByte(w ^ (ones &* 0x5C))     // backslash
            k &+= 8
        }
        if flags != 0 { return false }
        while k < count {
            let c = p.load(fromByteOffset: k, as: UInt8.self)
            if c &- 0x20 > 0x5E || c == 0x22 || c == 0x5C { return false }
            k &+= 1
        }
        return true
    }

    /// The frame of `.chat(uid:text:)` for a text `plainChatText` vouched for: the bytes
    /// `FrameCodec.frame(.chat(uid: uid, text: text))` gives, without the round trip.
    public static func chatFrame(uid: UID, plainText text: ArraySlice<UInt8>) -> [UInt8] {
        var w = JSONWriter(frameKind: FrameCodec.jsonKind,
                           capacity: plainChatHead.count + 38 + plainChatMiddle.count + text.count + plainChatTail.count)
        w.raw(plainChatHead)
        w.uid(uid)
        w.raw(plainChatMiddle)
        w.raw(text)
        w.raw(plainChatTail)
        return w.finishFrame()
    }

    // MARK: Decoding: any valid JSON, strict about the fields.

    public static func decode(_ body: some Collection<UInt8>) throws(DecodeError) -> Message {
        let bytes = Array(body)
        // The common bodies, exactly as written, without a tree; any other, the general way.
        if let message = KnownShapes.message(bytes) { return message }
        return try generalDecode(bytes)
    }

    /// Any body, through a `JSONValue` tree: the reference `KnownShapes` is held to.
    static func generalDecode(_ bytes: [UInt8]) throws(DecodeError) -> Message {
        var (type, members) = try typedObject(bytes)
        members.removeAll { $0.0 == "type" }
        let fields = try Fields(type: type, members: members)
        switch type {
        case "JoinRequest":
            return .joinRequest(username: try fields.string("username"), color: try fields.string("color"))
        case "ChatMessage":
            return .chat(uid: try fields.uid("uid"), text: try fields.string("text"))
        case "SystemMessage":
            return .system(text: try fields.string("text"))
        case "User":
            return .user(try user(fields))
        case "ServerInfo":
            let usersValue = try fields.value("users")
            guard case .object(let list) = usersValue else {
                throw .wrongFieldType(type: type, field: "users", expected: "object", found: usersValue.typeName)
            }
            var users: [UserEntry] = []
            users.reserveCapacity(list.count)
            // Keys that spell one uid differently are one key to the original (a dict of UUIDs):
            // one entry, at the first one's place, holding the last value.
            var place: [UID: Int] = [:]
            for (key, v) in list {
                guard let k = UID(key) else { throw .badUUID(type: type, field: "users", value: key) }
                guard case .object(let m) = v else {
                    throw .wrongFieldType(type: type, field: "users", expected: "object", found: v.typeName)
                }
                let entry = UserEntry(key: k, user: try user(try Fields(type: "User", members: m)))
                if let n = place[k] { users[n] = entry; continue }
                place[k] = users.count
                users.append(entry)
            }
            return .serverInfo(users: users, uid: try fields.uid("uid"))
        default:
            throw .unknownType(type)
        }
    }

    /// A body as the original reads one: strict UTF-8 (Python decodes the whole body before
    /// parsing), JSON, an object, with a string "type". Returns the type and every member.
    static func typedObject(_ bytes: [UInt8]) throws(DecodeError) -> (type: String, members: [(String, JSONValue)]) {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .badUTF8 }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .badJSON(reason: error.reason, offset: error.offset)
        }
        guard case .object(let members) = value else { throw .notAnObject(found: value.typeName) }
        guard let typeValue = members.first(where: { $0.0 == "type" })?.1 else { throw .missingType }
        guard case .string(let type) = typeValue else {
            throw .wrongFieldType(type: "message", field: "type", expected: "string", found: typeValue.typeName)
        }
        return (type, members)
    }

    private static func user(_ f: Fields) throws(DecodeError) -> WireUser {
        WireUser(uid: try f.uid("uid"), username: try f.string("username"), color: try f.string("color"))
    }

    /// The members of one message object, checked against the field list of its type.
    private struct Fields {
        static let names: [String: [String]] = [
            "JoinRequest": ["username", "color"],
            "ServerInfo": ["users", "uid"],
            "ChatMessage": ["uid", "text"],
            "SystemMessage": ["text"],
            "User": ["uid", "username", "color"],
        ]
        let type: String
        let members: [(String, JSONValue)]

        init(type: String, members: [(String, JSONValue)]) throws(DecodeError) {
            guard let expected = Fields.names[type] else { throw .unknownType(type) }
            for (key, _) in members where !expected.contains(key) {
                throw .extraField(type: type, field: key)
            }
            for key in expected where !members.contains(where: { $0.0 == key }) {
                throw .missingField(type: type, field: key)
            }
            self.type = type
            self.members = members
        }

        func value(_ name: String) throws(DecodeError) -> JSONValue {
            guard let v = members.first(where: { $0.0 == name })?.1 else {
                throw .missingField(type: type, field: name)
            }
            return v
        }

        func string(_ name: String) throws(DecodeError) -> String {
            let v = try value(name)
            guard case .string(let s) = v else {
                throw .wrongFieldType(type: type, field: name, expected: "string", found: v.typeName)
            }
            return s
        }

        func uid(_ name: String) throws(DecodeError) -> UID? {
            switch try value(name) {
            case .null: return nil
            case .string(let s):
                guard let uid = UID(s) else { throw .badUUID(type: type, field: name, value: s) }
                return uid
            case let v:
                throw .wrongFieldType(type: type, field: name, expected: "string", found: v.typeName)
            }
        }
    }
}
