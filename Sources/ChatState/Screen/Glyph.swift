/// A grapheme's UTF-8 packed into one integer, so that a screen of cells is copied and
/// compared as integers rather than as thousands of Strings.
///
/// Byte k of the UTF-8 is byte k of `bits` (the first byte lowest), the rest are zero. Every
/// single scalar fits, and so do most clusters: a letter with an accent or two, a flag, an
/// emoji with a skin tone or U+FE0F. Zero is the empty grapheme of a continuation cell.
///
/// A longer grapheme (an emoji ZWJ sequence, a subdivision flag, a stack of combining marks)
/// is `long`: top byte 0xFF, which no UTF-8 byte is, over an index into a table of `Cluster`s
/// kept by whoever holds the glyph (a `Frame`); a lone `Cell` holds its `Cluster` itself.
struct Glyph: Hashable, Sendable {
    var bits: UInt64

    static let empty = Glyph(bits: 0)
    static let space = Glyph(bits: 0x20)
    private static let longTag: UInt64 = 0xFF << 56

    init(bits: UInt64) {
        self.bits = bits
    }

    /// The packed form of `text`; nil when it is longer than 8 bytes, or holds a NUL (which
    /// would read as padding; no cell holds one, as `ScreenText` shows controls as `^@`).
    init?(packing text: String) {
        var bits: UInt64 = 0
        var shift: UInt64 = 0
        for byte in text.utf8 {
            guard shift < 64, byte != 0 else { return nil }
            bits |= UInt64(byte) << shift
            shift += 8
        }
        self.bits = bits
    }

    static func long(_ index: Int) -> Glyph {
        Glyph(bits: longTag | UInt64(index))
    }

    var isLong: Bool { bits & Self.longTag == Self.longTag }
    var longIndex: Int { Int(bits & ~Self.longTag) }

    /// Bytes of a packed glyph: it has no zero byte before its end.
    var utf8Count: Int { (64 - bits.leadingZeroBitCount + 7) / 8 }

    /// Appends a packed glyph's UTF-8.
    func appendUTF8(to out: inout [UInt8]) {
        var rest = bits
        while rest != 0 {
            out.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    /// A packed glyph as a String.
    var text: String {
        var bytes: [UInt8] = []
        appendUTF8(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A grapheme too long for a `Glyph`, shared (not copied) by the cells and frames that show it.
final class Cluster: Sendable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    /// Byte for byte: the terminal is sent bytes, so canonically equivalent spellings differ.
    func sameText(as other: Cluster) -> Bool {
        self === other || text.utf8.elementsEqual(other.text.utf8)
    }
}
