/// A cell's width and style packed into one integer, so that cells compare as integers.
///
/// Bits 0–7 hold the width; 8, 9 and 10 bold, reverse and dim; 11–35 the foreground and
/// 36–60 the background, each `1 << 24 | RGB`, or 0 for the terminal's default colour.
struct Look: Hashable, Sendable {
    var bits: UInt64

    private static let widthBits: UInt64 = 0xFF
    private static let attributeBits: UInt64 = 0x7 << 8
    private static let foregroundShift: UInt64 = 11
    private static let backgroundShift: UInt64 = 36

    init(bits: UInt64) {
        self.bits = bits
    }

    init(width: UInt8, style: Style) {
        func color(_ c: Color) -> UInt64 {
            guard case let .rgb(r, g, b) = c else { return 0 }
            return 1 << 24 | UInt64(r) << 16 | UInt64(g) << 8 | UInt64(b)
        }
        var bits = UInt64(width)
        if style.bold { bits |= 1 << 8 }
        if style.reverse { bits |= 1 << 9 }
        if style.dim { bits |= 1 << 10 }
        bits |= color(style.foreground) << Self.foregroundShift
        bits |= color(style.background) << Self.backgroundShift
        self.bits = bits
    }

    var width: UInt8 { UInt8(truncatingIfNeeded: bits) }

    var style: Style {
        func color(_ shift: UInt64) -> Color {
            let v = bits >> shift & 0x1FF_FFFF
            guard v != 0 else { return .default }
            func byte(_ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: v >> shift) }
            return .rgb(byte(16), byte(8), byte(0))
        }
        return Style(
            foreground: color(Self.foregroundShift), background: color(Self.backgroundShift),
            bold: bits & 1 << 8 != 0, reverse: bits & 1 << 9 != 0, dim: bits & 1 << 10 != 0)
    }

    func withWidth(_ width: UInt8) -> Look {
        Look(bits: bits & ~Self.widthBits | UInt64(width))
    }

    /// The style alone: what the terminal's pen must be to draw the cell.
    var pen: Look { Look(bits: bits & ~Self.widthBits) }

    /// The attributes alone: the pen when no colour is sent.
    var attributes: Look { Look(bits: bits & Self.attributeBits) }

    /// Width and attributes, no colours: what tells cells apart when no colour is sent.
    var withoutColors: Look { Look(bits: bits & (Self.widthBits | Self.attributeBits)) }

    static let plainPen = Look(width: 0, style: .plain)
}
