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

    /// A writer for a whole frame: the header and kind byte first, the length filled in by
    /// `finishFrame`, so a message is written once, into the array that is sent.
    public init(frameKind kind: UInt8, capacity: Int = 128) {
        self.init(capacity: FrameCodec.headerLength + 1 + capacity)
        bytes.append(contentsOf: [0, 0, 0, 0, kind])
    }

    /// The frame begun by `init(frameKind:)`, its header now saying how long the rest is.
    public mutating func finishFrame() -> [UInt8] {
        let length = bytes.count - FrameCodec.headerLength
        for k in 0..<FrameCodec.headerLength {
            bytes[k] = UInt8(truncatingIfNeeded: length >> (8 * (FrameCodec.headerLength - 1 - k)))
        }
        return bytes
    }

    /// Bytes written as they are (a part encoded before).
    public mutating func raw(_ part: some Collection<UInt8>) {
        bytes.append(contentsOf: part)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            // Each UTF-8 byte writes at least one byte: one reservation for most texts.
            reserve(utf8.count + 2)
            bytes.append(0x22)
            // Most strings (names, plain chats) have nothing to escape: checked a word at a
            // time and appended at once.
            if let base = utf8.baseAddress, MessageCodec.isPlainText(base, count: utf8.count) {
                bytes.append(contentsOf: utf8)
                bytes.append(0x22)
                return
            }
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

    /// Room for `extra` more bytes. Growing at least twofold: `reserveCapacity` alone grows to
    /// exactly what it is asked, so a message of many strings (a page of history) would be
    /// copied once per string.
    private mutating func reserve(_ extra: Int) {
        let needed = bytes.count + extra
        if needed > bytes.capacity { bytes.reserveCapacity(max(needed, 2 * bytes.capacity)) }
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
        // A string with nothing to escape is its own length: checked a word at a time (a join's
        // history sizes a hundred entries this way).
        let plain = s.utf8.withContiguousStorageIfAvailable { u in
            u.isEmpty || MessageCodec.isPlainText(u.baseAddress!, count: u.count)
        }
        if plain == true { return s.utf8.count }
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
        // `\uXXXX` as one append of six bytes: a text of CJK or emoji is mostly escapes.
        func hex(_ shift: UInt32) -> UInt8 { Self.hexDigits[Int((unit >> shift) & 0xF)] }
        withUnsafeBytes(of: (UInt8(0x5C), UInt8(ascii: "u"), hex(12), hex(8), hex(4), hex(0))) {
            bytes.append(contentsOf: $0)
        }
    }

    /// `String(n)`'s digits, written without making the String.
    public mutating func number(_ n: Int) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = n.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // room for the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = 0x30 + UInt8(m % 10)
                m /= 10
            } while m > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i...]))
        }
    }

    /// A colour as its six quoted hex digits, as `string(rgb.description)` writes it.
    public mutating func color(_ rgb: RGB) {
        bytes.append(0x22)
        rgb.appendHex(to: &bytes)
        bytes.append(0x22)
    }

    public mutating func uid(_ uid: UID?) {
        guard let uid else { raw("null"); return }
        bytes.append(0x22)
        uid.appendUTF8(to: &bytes)
        bytes.append(0x22)
    }
}
