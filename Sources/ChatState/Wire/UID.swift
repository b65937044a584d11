/// A user id on the wire: a UUID, always written in lower-case 8-4-4-4-12 form.
/// Parsing accepts what Python's `uuid.UUID(str)` accepts (upper case, braces, `urn:uuid:`,
/// missing hyphens), because the original accepts those and re-sends them canonically.
public struct UID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A version-4, variant-1 UUID from 128 bits chosen by the caller (the interpreter owns
    /// randomness; the core never draws any).
    public init(randomBits high: UInt64, _ low: UInt64) {
        self.high = (high & ~0xF000) | 0x4000
        self.low = (low & ~(0xC000_0000_0000_0000 as UInt64)) | 0x8000_0000_0000_0000
    }

    public init?(_ text: String) {
        if let canonical = UID(canonical: text.utf8) {
            self = canonical
            return
        }
        var s = Substring(text)
        // The order of these removals is Python's: "urn:", then "uuid:", then braces, then hyphens.
        s = Substring(s.replacingAll("urn:", with: ""))
        s = Substring(s.replacingAll("uuid:", with: ""))
        while s.first == "{" { s = s.dropFirst() }
        while s.last == "}" { s = s.dropLast() }
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(32)
        for u in s.utf8 where u != UInt8(ascii: "-") {
            guard let n = hexValue(u), nibbles.count < 32 else { return nil }
            nibbles.append(n)
        }
        guard nibbles.count == 32 else { return nil }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for n in nibbles[0..<16] { hi = hi << 4 | UInt64(n) }
        for n in nibbles[16..<32] { lo = lo << 4 | UInt64(n) }
        self.init(high: hi, low: lo)
    }

    /// The common case, the 8-4-4-4-12 form, read in one pass without building strings.
    init?(canonical u: some Collection<UInt8>) {
        guard u.count == 36 else { return nil }
        var hi: UInt64 = 0, lo: UInt64 = 0, n = 0
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let v = hexValue(c) else { return nil }
            if n < 16 { hi = hi << 4 | UInt64(v) } else { lo = lo << 4 | UInt64(v) }
            n += 1
        }
        self.init(high: hi, low: lo)
    }

    public var description: String { String(decoding: utf8, as: UTF8.self) }

    /// The canonical 36 bytes, written without going through String.
    public var utf8: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(36)
        appendUTF8(to: &out)
        return out
    }

    /// Appends the canonical 36 bytes in one `append`: a relayed chat writes its sender's uid
    /// into every frame, so this is on the relay's hot path. Each group of digits is one word
    /// store (see `hexDigits`), written right to left so each store's leading zeros land on
    /// bytes that a later store or dash overwrites.
    public func appendUTF8(to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: 36, alignment: 8) { b in
            let dash = UInt8(ascii: "-")
            b.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: low)), toByteOffset: 28, as: UInt64.self)
            b.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: low >> 32) & 0xFFFF), toByteOffset: 20, as: UInt64.self)
            b[23] = dash
            b.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: low >> 48)), toByteOffset: 15, as: UInt64.self)
            b[18] = dash
            b.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: high) & 0xFFFF), toByteOffset: 10, as: UInt64.self)
            b[13] = dash
            b.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: high >> 16) & 0xFFFF), toByteOffset: 5, as: UInt64.self)
            b[8] = dash
            b.storeBytes(of: Self.hexDigits(UInt32(truncatingIfNeeded: high >> 32)), toByteOffset: 0, as: UInt64.self)
            out.append(contentsOf: b.bindMemory(to: UInt8.self))
        }
    }

    /// The eight lower-case hex digits of `x`, most significant first in memory, as one word:
    /// the nibbles spread to a byte each, then each turned to its ASCII digit at once.
    static func hexDigits(_ x: UInt32) -> UInt64 {
        var v = UInt64(x)
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F   // byte i holds nibble i, least significant first
        let atLeastTen = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let ascii = v &+ 0x3030_3030_3030_3030 &+ atLeastTen &* 0x27
        return ascii.bigEndian   // stored, the most significant byte (nibble 7) comes first
    }

    public static func < (a: UID, b: UID) -> Bool { (a.high, a.low) < (b.high, b.low) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uid = UID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad uid \(text)"))
        }
        self = uid
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

func hexValue(_ u: UInt8) -> UInt8? {
    switch u {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return u - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return u - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return u - UInt8(ascii: "A") + 10
    default: return nil
    }
}

extension Substring {
    /// Foundation-free replacement of every occurrence, as Python's `str.replace`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return String(self) }
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
