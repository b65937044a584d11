/// Writes JSON exactly as Python's `json.dumps` does with its defaults, which is what the
/// original puts on the wire: `", "` and `": "` separators, and `ensure_ascii`, so every
/// character outside printable ASCII is a lower-case `\uXXXX` escape (a surrogate pair for
/// characters beyond the BMP).
public struct JSONWriter {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            // Each UTF-8 byte writes at least one byte: one reservation for most texts.
            bytes.reserveCapacity(bytes.count + utf8.count + 2)
            bytes.append(0x22)
            var i = 0
            while i < utf8.count {
                // A run that is written as it is, appended at once.
                let run = i
                while i < utf8.count, Self.isPlain(utf8[i]) { i += 1 }
                if i > run { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i])) }
                guard i < utf8.count else { break }
                let (v, length) = Self.scalar(in: utf8, at: i)
                i += length
                switch v {
                case 0x22: bytes.append(0x5C); bytes.append(0x22)
                case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
                case 0x10000...:
                    let u = v - 0x10000
                    escape(0xD800 + (u >> 10))
                    escape(0xDC00 + (u & 0x3FF))
                default: escape(v)
                }
            }
            bytes.append(0x22)
        }
    }

    /// A byte `string` writes as it is: printable ASCII but the quote and the backslash.
    private static func isPlain(_ b: UInt8) -> Bool { b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C }

    /// The scalar whose UTF-8 begins at `i` (a String's bytes are valid UTF-8), and its length.
    private static func scalar(in utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b = UInt32(utf8[i])
        if b < 0x80 { return (b, 1) }
        func next(_ k: Int) -> UInt32 { UInt32(utf8[i + k]) & 0x3F }
        if b < 0xE0 { return ((b & 0x1F) << 6 | next(1), 2) }
        if b < 0xF0 { return ((b & 0x0F) << 12 | next(1) << 6 | next(2), 3) }
        return ((b & 0x07) << 18 | next(1) << 12 | next(2) << 6 | next(3), 4)
    }

    /// The bytes `string(s)` writes, without the two quotes, computed without writing them:
    /// from the UTF-8 bytes, each lead byte saying how long its scalar is (so what it costs).
    public static func encodedLength(_ s: String) -> Int {
        var n = 0
        for b in s.utf8 {
            switch b {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: n += 2
            case 0x20...0x7E: n += 1
            case 0x80...0xBF: break            // a continuation byte: counted with its lead
            case 0xF0...: n += 12               // four bytes: beyond the BMP, a surrogate pair
            default: n += 6                     // another control, DEL, or a BMP scalar's lead
            }
        }
        return n
    }

    /// What one scalar costs in `string`: its own byte, a two-byte escape, or one or two
    /// six-byte `\uXXXX` escapes.
    static func encodedLength(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: return 2
        case 0x20...0x7E: return 1
        case 0x10000...: return 12
        default: return 6
        }
    }

    private mutating func escape(_ unit: UInt32) {
        bytes.append(0x5C)
        bytes.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(Self.hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }

    public mutating func number(_ n: Int) {
        bytes.append(contentsOf: String(n).utf8)
    }

    public mutating func uid(_ uid: UID?) {
        guard let uid else { raw("null"); return }
        bytes.append(0x22)
        uid.appendUTF8(to: &bytes)
        bytes.append(0x22)
    }
}
