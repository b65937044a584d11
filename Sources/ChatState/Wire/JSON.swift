/// A JSON value as decoded from the wire. Numbers keep their text: the protocol never needs
/// their value, only that a field holds one (to report a wrong field type). Not `indirect`:
/// arrays already hold the nested values on the heap, and an indirect case would allocate a
/// box for every string and number too.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in first-seen key order; a duplicate key keeps its last value, as Python does.
    /// Keys are duplicates only when their code points are the same (Python's rule), not when
    /// they are canonically equivalent (Swift's `==`): `"\u00e9"` and `"e\u0301"` are two keys.
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The JSON type's name, as used in error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// Parses JSON text the way Python's `json.loads` does (the original's decoder): RFC 8259 plus
/// `NaN`, `Infinity` and `-Infinity`; whitespace is space, tab, CR and LF only; raw control
/// characters inside strings are errors. A lone surrogate escape (which Python keeps but a
/// Swift String cannot hold) becomes U+FFFD, though as a key it stays distinct, as in Python.
/// Every input costs work linear in its length: duplicate keys are found by hashing each key's
/// exact code points once, never by comparing keys with each other.
public struct JSONParser {
    public struct Failure: Error, Equatable, Sendable {
        public let reason: String
        public let offset: Int
    }

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var p = JSONParser(bytes: bytes)
        p.skipSpace()
        let value = try p.value()
        p.skipSpace()
        guard p.i == bytes.count else { throw p.fail("extra data after the value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ reason: String) -> Failure { Failure(reason: reason, offset: i) }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(Failure) -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, bytes[i..<i + w.count].elementsEqual(w) else {
            throw fail("expecting a value")
        }
        i += w.count
        return value
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard let c = peek else { throw fail("expecting a value, found the end") }
        switch c {
        case UInt8(ascii: "{"): return try nested { (p: inout JSONParser) throws(Failure) in try p.object() }
        case UInt8(ascii: "["): return try nested { (p: inout JSONParser) throws(Failure) in try p.array() }
        case UInt8(ascii: "\""): return .string(try stringBytes().string)
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N"): return try literal("NaN", .number("NaN"))
        case UInt8(ascii: "I"): return try literal("Infinity", .number("Infinity"))
        default: return try number()
        }
    }

    private mutating func nested(
        _ body: (inout JSONParser) throws(Failure) -> JSONValue
    ) throws(Failure) -> JSONValue {
        depth += 1
        guard depth <= Limits.maxJSONDepth else { throw fail("nested deeper than \(Limits.maxJSONDepth) levels") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws(Failure) -> JSONValue {
        i += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if peek == UInt8(ascii: "}") { i += 1; return .object(members) }
        // Each key's code points (WTF-8, so distinct lone surrogates stay distinct), to find
        // a duplicate: compared with the few before it while an object is small (a message
        // has two to four), hashed once each past that, whatever the keys are made of.
        var keys: [ArraySlice<UInt8>] = []
        var seen: [KeyBytes: Int] = [:]
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw fail("expecting a property name in double quotes") }
            let key = try stringBytes()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw fail("expecting ':' after a property name") }
            i += 1
            skipSpace()
            let v = try value()
            if let k = Self.index(of: key.bytes, keys: &keys, seen: &seen) {
                members[k].1 = v
            } else {
                members.append((key.string, v))
            }
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; return .object(members)
            default: throw fail("expecting ',' or '}' in an object")
            }
        }
    }

    /// Keys compared one by one up to this many; past it, by hash.
    private static let linearKeys = 8

    /// The member index of an earlier key with the same code points, else nil after noting
    /// `key` as the next member's.
    private static func index(of key: ArraySlice<UInt8>, keys: inout [ArraySlice<UInt8>],
                              seen: inout [KeyBytes: Int]) -> Int? {
        if keys.count < linearKeys {
            if let k = keys.firstIndex(of: key) { return k }
            keys.append(key)
            if keys.count == linearKeys {
                for (n, k) in keys.enumerated() { seen[KeyBytes(bytes: k)] = n }
            }
            return nil
        }
        if let k = seen[KeyBytes(bytes: key)] { return k }
        seen[KeyBytes(bytes: key)] = keys.count
        keys.append(key)
        return nil
    }

    private mutating func array() throws(Failure) -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; return .array(items)
            default: throw fail("expecting ',' or ']' in an array")
            }
        }
    }

    private mutating func digits() -> Int {
        let from = i
        while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { i += 1 }
        return i - from
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let from = i
        if peek == UInt8(ascii: "-") {
            i += 1
            if peek == UInt8(ascii: "I") { _ = try literal("Infinity", .null); return .number("-Infinity") }
        }
        if peek == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            i = from
            throw fail("expecting a value")
        }
        // Python stops a number at a second leading zero ("01" is "0" then extra data), and so do we.
        if peek == UInt8(ascii: "."), i + 1 < bytes.count, bytes[i + 1] >= 0x30, bytes[i + 1] <= 0x39 {
            i += 1
            _ = digits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            let mark = i
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { i = mark }
        }
        return .number(String(decoding: bytes[from..<i], as: UTF8.self))
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("invalid \\uXXXX escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = hexValue(bytes[i + k]) else { throw fail("invalid \\uXXXX escape") }
            v = v << 4 | UInt32(h)
        }
        i += 4
        return v
    }

    /// A string's code points as WTF-8 (UTF-8 that may hold lone surrogates: their exact
    /// identity, for telling keys apart), and as a Swift String (each lone surrogate U+FFFD).
    private mutating func stringBytes() throws(Failure) -> (bytes: ArraySlice<UInt8>, string: String) {
        i += 1
        // Most strings have no escape: their code points are the input's own bytes.
        let first = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 {
            i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            let slice = bytes[first..<i]
            i += 1
            return (slice, String(decoding: slice, as: UTF8.self))
        }
        i = first
        var out: [UInt8] = []
        var loneSurrogates = false
        while true {
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 {
                i += 1
            }
            out.append(contentsOf: bytes[start..<i])
            guard let c = peek else { throw fail("unterminated string") }
            if c == UInt8(ascii: "\"") {
                i += 1
                let string = loneSurrogates ? Self.replacingSurrogates(out) : String(decoding: out, as: UTF8.self)
                return (out[...], string)
            }
            if c < 0x20 { throw fail("invalid control character in a string") }
            i += 1
            guard let e = peek else { throw fail("unterminated string") }
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= bytes.count,
                   bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let mark = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = mark
                    }
                }
                if let s = Unicode.Scalar(scalar) {
                    // Its UTF-8 as String(s).utf8 has it, without making a String per escape
                    // (Python writes every non-ASCII character of a text as one).
                    UTF8.encode(s) { out.append($0) }
                } else {
                    // A lone surrogate, D800-DFFF: three bytes ED A0-BF 80-BF.
                    loneSurrogates = true
                    out.append(0xED)
                    out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
                    out.append(UInt8(0x80 | scalar & 0x3F))
                }
            default:
                i -= 1
                throw fail("invalid escape")
            }
        }
    }

    /// WTF-8 to a String, each lone surrogate's three bytes one U+FFFD (decoding them as
    /// UTF-8 would give three).
    private static func replacingSurrogates(_ wtf8: [UInt8]) -> String {
        var fixed: [UInt8] = []
        fixed.reserveCapacity(wtf8.count)
        var k = 0
        while k < wtf8.count {
            if wtf8[k] == 0xED, k + 2 < wtf8.count, wtf8[k + 1] >= 0xA0 {
                fixed.append(contentsOf: [0xEF, 0xBF, 0xBD])
                k += 3
            } else {
                fixed.append(wtf8[k])
                k += 1
            }
        }
        return String(decoding: fixed, as: UTF8.self)
    }
}

extension JSONParser {
    /// The string whose opening quote is at `offset`, read by the parser's own rules (escapes,
    /// surrogate pairs, lone surrogates), and the offset past its closing quote; nil where the
    /// parser would fail. For `ShapeReader`, which reads the common bodies without a tree but
    /// must read every escape exactly as the general decoder does.
    static func string(in bytes: [UInt8], at offset: Int) -> (String, end: Int)? {
        var p = JSONParser(bytes: bytes)
        p.i = offset
        guard let s = try? p.stringBytes() else { return nil }
        return (s.string, p.i)
    }
}

/// A key's code points, hashed as one run of bytes (an array's own hash feeds the hasher a
/// byte at a time).
private struct KeyBytes: Hashable {
    let bytes: ArraySlice<UInt8>
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
}
