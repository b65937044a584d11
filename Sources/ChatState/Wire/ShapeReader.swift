/// A cursor over a body expected to be in one exact shape: literal ASCII (keys, punctuation,
/// the writer's spacing) between values. Every read is all or nothing: it returns nil (or
/// false) at the first byte that is not as expected, and the caller then gives up on the whole
/// body, which the general decoder reads instead (see `KnownShapes`). So this reader never has
/// to name an error or match the general decoder's leniency, only agree with it on what it
/// accepts.
///
/// What it accepts is valid UTF-8 by construction (literals and raw string bytes are ASCII), so
/// the general decoder's first check, of the whole body's UTF-8, would pass too.
struct ShapeReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset == bytes.count }

    /// Steps past `literal` if the bytes here are exactly it.
    mutating func expect(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard bytes.count - offset >= n else { return false }
        let start = literal.utf8Start
        for k in 0..<n where bytes[offset &+ k] != start[k] { return false }
        offset &+= n
        return true
    }

    /// A string. One without escapes is its own bytes (the parser's fast case too); one with
    /// them is read by the parser's own code, so every escape and lone surrogate comes out as
    /// the general decoder has it. nil for a raw byte outside ASCII (the general decoder's
    /// UTF-8 check is the judge of those), a raw control character, or no closing quote.
    mutating func string() -> String? {
        guard offset < bytes.count, bytes[offset] == 0x22 else { return nil }
        let first = offset &+ 1
        var k = first
        var escaped = false
        while k < bytes.count {
            let c = bytes[k]
            if c == 0x22 { break }
            guard c >= 0x20, c < 0x80 else { return nil }
            // The byte after a backslash is the escape's, so `\"` does not end the string.
            if c == 0x5C { escaped = true; k &+= 1 }
            k &+= 1
        }
        guard k < bytes.count else { return nil }
        if !escaped {
            offset = k &+ 1
            return String(decoding: bytes[first..<k], as: UTF8.self)
        }
        guard let (text, end) = JSONParser.string(in: bytes, at: offset), end == k &+ 1 else { return nil }
        offset = end
        return text
    }

    /// A whole number as JSON writes one, `-`? then `0` or digits not starting with `0`, of at
    /// most 18 digits (so it fits an Int64, as `Int64(text)` reads it). A fraction or exponent
    /// is refused here, so the general decoder reports it.
    mutating func integer() -> Int64? {
        var k = offset
        let negative = k < bytes.count && bytes[k] == UInt8(ascii: "-")
        if negative { k &+= 1 }
        let first = k
        var n: Int64 = 0
        while k < bytes.count, bytes[k] &- 0x30 < 10, k &- first < 18 {
            n = n &* 10 &+ Int64(bytes[k] &- 0x30)
            k &+= 1
        }
        let digits = k &- first
        guard digits > 0, digits == 1 || bytes[first] != UInt8(ascii: "0") else { return nil }
        if k < bytes.count {
            switch bytes[k] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        offset = k
        return negative ? -n : n
    }

    /// A whole number from 0 up (`ExtensionCodec.seq`; `-0` is 0, as `Int64("-0")` is).
    mutating func seq() -> Int64? {
        guard let n = integer(), n >= 0 else { return nil }
        return n
    }

    /// A count (`ExtensionCodec.count`).
    mutating func count() -> Int? { seq().map { Int($0) } }

    /// A uid in quotes, in canonical form (lower-case 8-4-4-4-12): the one spelling every uid
    /// field reads as the same value (the general decoder takes other spellings too, and a
    /// Resume's session only this one).
    mutating func uid() -> UID? {
        guard bytes.count - offset >= 38, bytes[offset] == 0x22, bytes[offset &+ 37] == 0x22 else { return nil }
        let canonical = bytes.withUnsafeBytes { MessageCodec.isCanonicalUID($0.baseAddress! + offset + 1) }
        guard canonical, let uid = UID(canonical: bytes[offset &+ 1..<offset &+ 37]) else { return nil }
        offset &+= 38
        return uid
    }

    /// A uid or null: `.some(nil)` for null, nil for neither.
    mutating func optionalUID() -> UID?? {
        if expect("null") { return .some(nil) }
        return uid().map { .some($0) }
    }

    /// A string or null: `.some(nil)` for null, nil for neither.
    mutating func optionalString() -> String?? {
        if expect("null") { return .some(nil) }
        return string().map { .some($0) }
    }

    mutating func bool() -> Bool? {
        if expect("true") { return true }
        if expect("false") { return false }
        return nil
    }

    /// `[item, item, …]`, each read by `item`: nil if any is not as expected.
    mutating func list<T>(_ item: (inout ShapeReader) -> T?) -> [T]? {
        guard expect("[") else { return nil }
        var out: [T] = []
        if expect("]") { return out }
        repeat {
            guard let x = item(&self) else { return nil }
            out.append(x)
        } while expect(", ")
        return expect("]") ? out : nil
    }
}
