/// A user's colour. The wire carries six hex digits; anything else becomes the default
/// instead of crashing, as the original would.
public struct RGB: Hashable, Sendable, Codable, CustomStringConvertible {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// The original's default colour.
    public static let defaultUser = RGB(r: 0, g: 0, b: 0)

    /// Six hex digits, any case, after surrounding spaces and one leading `#`; nil otherwise.
    public init?(hex text: String) {
        var s = Substring(text).drop { $0 == " " }
        while s.last == " " { s = s.dropLast() }
        if s.first == "#" { s = s.dropFirst() }
        let u = Array(s.utf8)
        guard u.count == 6, let r = hexByte(u[0], u[1]), let g = hexByte(u[2], u[3]), let b = hexByte(u[4], u[5]) else {
            return nil
        }
        self.init(r: r, g: g, b: b)
    }

    /// What a room stores and sends for any colour a user asks for.
    public static func cleaned(_ text: String) -> RGB { RGB(hex: text) ?? .defaultUser }

    /// Six lower-case hex digits, as the original sends colours.
    public var description: String {
        // Six ASCII bytes make a small String, held inline: no allocation for a colour.
        String(unsafeUninitializedCapacity: 6) { buffer in
            var i = 0
            forEachHexDigit { buffer[i] = $0; i += 1 }
            return 6
        }
    }

    /// The same six digits appended as bytes, for a writer that has no use for a String.
    public func appendHex(to bytes: inout [UInt8]) {
        forEachHexDigit { bytes.append($0) }
    }

    private func forEachHexDigit(_ body: (UInt8) -> Void) {
        for byte in [r, g, b] {
            body(Self.hexDigit(byte >> 4))
            body(Self.hexDigit(byte & 15))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let rgb = RGB(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad colour \(text)"))
        }
        self = rgb
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

private func hexByte(_ a: UInt8, _ b: UInt8) -> UInt8? {
    guard let hi = hexValue(a), let lo = hexValue(b) else { return nil }
    return hi << 4 | lo
}
