/// A terminal colour as the view asks for it; `FrameDiff` maps it to what the terminal can show.
public enum Color: Equatable, Hashable, Codable, Sendable {
    case `default`
    case rgb(UInt8, UInt8, UInt8)
}

/// How one cell is drawn. Deliberately small: the chat needs colours, emphasis and a
/// selection/status-bar look, nothing more.
public struct Style: Equatable, Hashable, Codable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(
        foreground: Color = .default, background: Color = .default,
        bold: Bool = false, reverse: Bool = false, dim: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()

    /// The style packed into one number (distinct styles, distinct numbers), for cheap hashing.
    var fingerprint: UInt64 {
        func bits(_ c: Color) -> UInt64 {
            switch c {
            case .default: return 0
            case let .rgb(r, g, b): return 1 << 24 | UInt64(r) << 16 | UInt64(g) << 8 | UInt64(b)
            }
        }
        let flags = (bold ? 1 : 0) | (reverse ? 2 : 0) | (dim ? 4 : 0) as UInt64
        return bits(foreground) << 28 | bits(background) << 3 | flags
    }
}
