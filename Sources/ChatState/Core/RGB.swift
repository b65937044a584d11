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
        let digits = Array("0123456789abcdef")
        return String([r >> 4, r & 15, g >> 4, g & 15, b >> 4, b & 15].map { digits[Int($0)] })
    }

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
