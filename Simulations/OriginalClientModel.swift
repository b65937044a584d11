import ChatState

/// A message as the ORIGINAL PyChat decodes it (pychat_peer.py `decode`/`check_fields`): only
/// what the original would accept gets here; everything else is a `Rejection`.
enum OriginalMessage: Equatable {
    struct User: Equatable {
        var uid: UID?
        var username: String
        var color: String
    }

    case joinRequest(username: String, color: String)
    /// `users` nil when the original got `"users": null`; a nil user is a `null` entry.
    case serverInfo(users: [(key: UID, user: User?)]?, uid: UID?)
    case chat(uid: UID?, text: String)
    case system(text: String)
    case user(User?)

    static func == (a: OriginalMessage, b: OriginalMessage) -> Bool {
        switch (a, b) {
        case let (.joinRequest(x1, y1), .joinRequest(x2, y2)): return x1 == x2 && y1 == y2
        case let (.chat(u1, t1), .chat(u2, t2)): return u1 == u2 && t1 == t2
        case let (.system(t1), .system(t2)): return t1 == t2
        case let (.user(u1), .user(u2)): return u1 == u2
        case let (.serverInfo(l1, u1), .serverInfo(l2, u2)):
            guard u1 == u2 else { return false }
            switch (l1, l2) {
            case (nil, nil): return true
            case let (x?, y?): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.user == $1.user }
            default: return false
            }
        default: return false
        }
    }
}

/// Why the original would throw on a frame (or on drawing it), in its words.
struct Rejection: Error, Equatable, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// The original's decoder, written again from pychat_peer.py rather than reusing
/// MessageCodec.decode, so that the core's decoder is not the judge of the core's output.
/// (JSON syntax itself comes from ChatState's JSONParser, which follows Python's json.loads.)
enum OriginalDecoder {
    static let fields: [String: [String]] = [
        "User": ["uid", "username", "color"],
        "JoinRequest": ["username", "color"],
        "ServerInfo": ["users", "uid"],
        "ChatMessage": ["uid", "text"],
        "SystemMessage": ["text"],
    ]

    /// `payload` is the kind byte and the body, as `read_frame` returns it.
    static func decode(_ payload: ArraySlice<UInt8>) throws(Rejection) -> OriginalMessage {
        let body = Array(payload.dropFirst())
        guard String(validating: body, as: UTF8.self) != nil else { throw Rejection(reason: "UnicodeDecodeError") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw Rejection(reason: "JSONDecodeError: \(error.reason)")
        }
        guard case .object(var members) = value else { throw Rejection(reason: "not a JSON object but \(value.typeName)") }
        guard let t = members.firstIndex(where: { $0.0 == "type" }) else { throw Rejection(reason: "no 'type' field") }
        guard case .string(let type) = members[t].1, fields[type] != nil else {
            throw Rejection(reason: "unknown type \(members[t].1)")
        }
        members.remove(at: t)
        try checkFields(type, members)
        func get(_ k: String) -> JSONValue { members.first { $0.0 == k }!.1 }
        switch type {
        case "User":
            return .user(try makeUser(.object(members)))
        case "JoinRequest":
            return .joinRequest(username: try string(get("username"), "JoinRequest.username"),
                                color: try string(get("color"), "JoinRequest.color"))
        case "ChatMessage":
            return .chat(uid: try uuid(get("uid"), "ChatMessage.uid"), text: try string(get("text"), "ChatMessage.text"))
        case "SystemMessage":
            return .system(text: try string(get("text"), "SystemMessage.text"))
        default:
            let uid = try uuid(get("uid"), "ServerInfo.uid")
            switch get("users") {
            case .null:
                return .serverInfo(users: nil, uid: uid)
            case .object(let list):
                var users: [(key: UID, user: OriginalMessage.User?)] = []
                for (k, v) in list {
                    users.append((try uuid(.string(k), "ServerInfo.users key")!, try makeUser(v)))
                }
                return .serverInfo(users: users, uid: uid)
            case let other:
                throw Rejection(reason: "ServerInfo.users: not an object but \(other.typeName)")
            }
        }
    }

    static func checkFields(_ type: String, _ members: [(String, JSONValue)]) throws(Rejection) {
        let expected = fields[type]!
        for (k, _) in members where !expected.contains(k) { throw Rejection(reason: "\(type): unexpected field '\(k)'") }
        for k in expected where !members.contains(where: { $0.0 == k }) {
            throw Rejection(reason: "\(type): missing field '\(k)'")
        }
    }

    static func makeUser(_ value: JSONValue) throws(Rejection) -> OriginalMessage.User? {
        if value == .null { return nil }
        guard case .object(let m) = value else { throw Rejection(reason: "User: not an object but \(value.typeName)") }
        try checkFields("User", m)
        func get(_ k: String) -> JSONValue { m.first { $0.0 == k }!.1 }
        return OriginalMessage.User(uid: try uuid(get("uid"), "User.uid"),
                                    username: try string(get("username"), "User.username"),
                                    color: try cleanColor(get("color")))
    }

    /// The original does not type-check strings at decoding, but draws them with
    /// `f"{name:>10}"` and `addstr`, which throw for anything but a string: for a client that
    /// is the same loss, so the model rejects it here.
    static func string(_ v: JSONValue, _ what: String) throws(Rejection) -> String {
        guard case .string(let s) = v else { throw Rejection(reason: "\(what): \(v.typeName), not str") }
        return s
    }

    /// `uuid.UUID(value)`: null passes untouched; otherwise 32 hex digits once `urn:`, `uuid:`,
    /// braces and hyphens are removed.
    static func uuid(_ v: JSONValue, _ what: String) throws(Rejection) -> UID? {
        switch v {
        case .null: return nil
        case .string(let s):
            // Nearly every uid is canonical: parse that form straight from its bytes.
            if let u = canonicalUID(s) { return u }
            var h = s.replacingAll("urn:", "").replacingAll("uuid:", "")
            while h.first == "{" { h.removeFirst() }
            while h.last == "}" { h.removeLast() }
            h = h.replacingAll("-", "")
            guard h.utf8.count == 32, h.utf8.allSatisfy({ isHex($0) }), let u = UID(h) else {
                throw Rejection(reason: "\(what): badly formed hexadecimal UUID string \(s.prefix(60))")
            }
            return u
        default:
            throw Rejection(reason: "\(what): \(v.typeName) has no attribute 'replace'")
        }
    }

    /// The lower-case 8-4-4-4-12 form only, without going through String searching.
    static func canonicalUID(_ s: String) -> UID? {
        var hi: UInt64 = 0, lo: UInt64 = 0, n = 0, i = 0
        for u in s.utf8 {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard u == UInt8(ascii: "-") else { return nil }
            } else {
                let v: UInt8
                switch u {
                case 0x30...0x39: v = u - 0x30
                case 0x61...0x66: v = u - 0x61 + 10
                default: return nil
                }
                if n < 16 { hi = hi << 4 | UInt64(v) } else { lo = lo << 4 | UInt64(v) }
                n += 1
            }
            i += 1
            if i > 36 { return nil }
        }
        return i == 36 ? UID(high: hi, low: lo) : nil
    }

    /// `clean_color` then the RGB parse of `_pair`: lower case, one `#` dropped, six hex digits.
    static func cleanColor(_ v: JSONValue) throws(Rejection) -> String {
        guard case .string(let s) = v, !s.isEmpty else { throw Rejection(reason: "colour \(v): not a non-empty str") }
        var c = s.lowercased()
        if c.first == "#" { c.removeFirst() }
        guard c.utf8.count == 6, c.utf8.allSatisfy({ isHex($0) }) else { throw Rejection(reason: "colour \(s): not six hex digits") }
        return c
    }

    static func isHex(_ u: UInt8) -> Bool {
        (0x30...0x39).contains(u) || (0x61...0x66).contains(u) || (0x41...0x46).contains(u)
    }

    /// What the protocol promises on top of what the original tolerates: uids in canonical
    /// lower-case 8-4-4-4-12 form, as the original itself writes them.
    static func isCanonical(_ text: String) -> Bool { canonicalUID(text) != nil }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let r = rest.firstRange(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        result += rest
        return result
    }
}

/// The original's `read_frame`: a 4-byte big-endian length, then that many bytes, no limit.
struct OriginalFrameReader {
    private var buffer: [UInt8] = []
    private var start = 0

    var bufferedCount: Int { buffer.count - start }

    /// The length announced by the header of the incomplete frame, once its header is in.
    var announced: Int? {
        guard buffer.count - start >= 4 else { return nil }
        return Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
    }

    /// Payloads (kind byte and body; empty for a zero-length frame) completed by `bytes`.
    mutating func feed(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        if start == buffer.count {
            // Nothing held (most reads): the frames are read where they are, and only an
            // unfinished one at the end is kept.
            let (payloads, rest) = Self.frames(in: bytes)
            buffer.removeAll(keepingCapacity: true)
            start = 0
            if rest > 0 { buffer.append(contentsOf: bytes[(bytes.count - rest)...]) }
            return payloads
        }
        buffer.append(contentsOf: bytes)
        var out: [ArraySlice<UInt8>] = []
        while buffer.count - start >= 4 {
            let n = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
            guard buffer.count - start - 4 >= n else { break }
            out.append(buffer[(start + 4)..<(start + 4 + n)])
            start += 4 + n
        }
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096 {
            buffer.removeFirst(start)
            start = 0
        }
        return out
    }
}

/// A client that behaves like the ORIGINAL PyChat client (pychat_peer.py's `Client`): it sends
/// JoinRequest on connect, replaces its table on each ServerInfo, speaks only once it knows
/// its own uid, and throws (here: records) on every frame the original would choke on.
struct OriginalClientModel {
    struct Received: Equatable {
        var uid: UID?
        var name: String
        var text: String
    }

    let username: String
    let color: String
    private var reader = OriginalFrameReader()
    /// The table of the latest ServerInfo, in wire order.
    private(set) var users: [(key: UID, user: OriginalMessage.User?)] = []
    private(set) var me: OriginalMessage.User?
    /// Frames (or lines) the original would have thrown on: each one is an invariant failure.
    private(set) var rejections: [String] = []
    /// Every uid ever listed, with the last name it had: for the "departures announced" check.
    private(set) var seen: [UID: String] = [:]
    private(set) var systemTexts: [String: Int] = [:]

    init(username: String, color: String) {
        self.username = username
        self.color = color
    }

    var bufferedCount: Int { reader.bufferedCount }

    func user(_ uid: UID?) -> OriginalMessage.User?? {
        guard let uid else { return nil }
        guard let entry = users.first(where: { $0.key == uid }) else { return nil }
        return .some(entry.user)
    }

    func joinRequest() -> [UInt8] { FrameCodec.frame(.joinRequest(username: username, color: color)) }

    /// A typed message, sent the way the original sends it; nil where the original would not
    /// (before its first ServerInfo the original trips an assertion, so the workload never asks).
    func chat(_ text: String) -> [UInt8]? {
        guard let me, case .some(.some) = user(me.uid) else { return nil }
        return FrameCodec.frame(.chat(uid: me.uid, text: text))
    }

    /// Feeds bytes from the server; returns the chat messages shown, in order. (`memo` decodes
    /// each payload as `OriginalDecoder` does, once per run.)
    mutating func receive(_ bytes: [UInt8], memo: DecodeMemo) -> [Received] {
        var shown: [Received] = []
        for payload in reader.feed(bytes) {
            guard payload.first == FrameCodec.jsonKind else {
                // The original throws on other kinds (a traceback on its screen), so pychat must
                // never send it one: extensions go only to peers that negotiated them
                // (docs/PROTOCOL.md, "Negotiation").
                rejections.append("a frame of kind \(payload.first.map(String.init) ?? "none") reached an original client")
                continue
            }
            let message: OriginalMessage
            do {
                message = try memo.decode(payload)
            } catch {
                rejections.append("rejected: \(error.reason)")
                continue
            }
            switch message {
            case let .serverInfo(list, uid):
                users = list ?? []
                for (k, u) in users { if let u { seen[k] = u.username } }
                if case .some(.some(let u)) = user(uid) { me = u } else {
                    rejections.append("own uid \(uid.map(\.description) ?? "null") not in the users of a ServerInfo")
                }
                for (k, u) in users where u?.uid != k {
                    rejections.append("ServerInfo lists \(k) with inner uid \(u?.uid?.description ?? "null")")
                }
            case let .chat(uid, text):
                guard case .some(.some(let u)) = user(uid) else {
                    rejections.append("ChatMessage from uid \(uid.map(\.description) ?? "null") not in the user table")
                    continue
                }
                if text.unicodeScalars.contains("\0") { rejections.append("ChatMessage text holds NUL: addstr throws") }
                if let me, uid == me.uid {
                    // The original would send it back to the server: an echo loop.
                    rejections.append("ChatMessage with our own uid: the original re-sends it")
                }
                shown.append(Received(uid: uid, name: u.username, text: text))
            case let .system(text):
                if text.unicodeScalars.contains("\0") { rejections.append("SystemMessage text holds NUL: addstr throws") }
                systemTexts[text, default: 0] += 1
            case .joinRequest, .user:
                break  // ignored by the original client
            }
        }
        return shown
    }

    mutating func clearRejections() { rejections = [] }
}
