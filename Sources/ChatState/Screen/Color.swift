/// A terminal colour as the view asks for it; `FrameDiff` maps it to what the terminal can show.
public enum Color: Equatable, Hashable, Codable, Sendable {
    case `default`
    case rgb(UInt8, UInt8, UInt8)
}
