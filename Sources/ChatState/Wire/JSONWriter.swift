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
        bytes.append(0x22)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
            case 0x20...0x7E: bytes.append(UInt8(v))
            case 0x10000...:
                let u = v - 0x10000
                escape(0xD800 + (u >> 10))
                escape(0xDC00 + (u & 0x3FF))
            default: escape(v)
            }
        }
        bytes.append(0x22)
    }

    /// The bytes `string(s)` writes, without the two quotes, computed without writing them.
    public static func encodedLength(_ s: String) -> Int {
        var n = 0
        for scalar in s.unicodeScalars { n += encodedLength(scalar) }
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
