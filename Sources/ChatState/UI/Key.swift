/// One decoded keyboard or mouse input, as the key decoder produces it from terminal bytes.
/// Printable input arrives as `.text` (one or more grapheme clusters); a bracketed paste as
/// `.paste`, so its newlines are never taken for Return.
public enum Key: Codable, Equatable, Hashable, Sendable {
    case text(String)
    case paste(String)
    case enter
    case tab
    case backTab
    case backspace
    case delete
    case escape
    case up, down, left, right
    case home, end
    case pageUp, pageDown
    /// Ctrl plus a letter, lower case: `.ctrl("a")` is Ctrl-A (0x01).
    case ctrl(Character)
    case wheelUp, wheelDown
    /// F1: the keys, on screen.
    case f1
    /// Alt plus a digit (`ESC 2`): room 2 of the status line, as in weechat (0 is room 10).
    case altDigit(Int)
    /// Alt-Left, Alt-Right (`CSI 1;3D`, `CSI 1;3C`): the previous and next room.
    case altLeft, altRight
    /// The terminal gained or lost focus (focus reporting, DEC mode 1004): not a key the user
    /// pressed, but it comes the same way.
    case focusIn, focusOut
    /// The terminal answered a question (`TerminalReport`): the front end keeps it from the core.
    case report(TerminalReport)

    private enum CodingKeys: String, CodingKey { case key, text, report }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .key)
        switch name {
        case "text": self = .text(try c.decode(String.self, forKey: .text))
        case "paste": self = .paste(try c.decode(String.self, forKey: .text))
        case "report": self = .report(try c.decode(TerminalReport.self, forKey: .report))
        case "altDigit":
            let s = try c.decode(String.self, forKey: .text)
            guard let n = Int(s), (0...9).contains(n) else {
                throw DecodingError.dataCorruptedError(forKey: .text, in: c, debugDescription: "altDigit needs a digit")
            }
            self = .altDigit(n)
        case "ctrl":
            let s = try c.decode(String.self, forKey: .text)
            guard s.count == 1, let ch = s.first else {
                throw DecodingError.dataCorruptedError(forKey: .text, in: c, debugDescription: "ctrl needs one character")
            }
            self = .ctrl(ch)
        default:
            guard let key = Key.plain[name] else {
                throw DecodingError.dataCorruptedError(forKey: .key, in: c, debugDescription: "unknown key \(name)")
            }
            self = key
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let s): try c.encode("text", forKey: .key); try c.encode(s, forKey: .text)
        case .paste(let s): try c.encode("paste", forKey: .key); try c.encode(s, forKey: .text)
        case .report(let r): try c.encode("report", forKey: .key); try c.encode(r, forKey: .report)
        case .ctrl(let ch): try c.encode("ctrl", forKey: .key); try c.encode(String(ch), forKey: .text)
        case .altDigit(let n): try c.encode("altDigit", forKey: .key); try c.encode(String(n), forKey: .text)
        default: try c.encode(Key.plainName(self), forKey: .key)
        }
    }

    private static let plainKeys: [(String, Key)] = [
        ("enter", .enter), ("tab", .tab), ("backTab", .backTab), ("backspace", .backspace),
        ("delete", .delete), ("escape", .escape), ("up", .up), ("down", .down), ("left", .left),
        ("right", .right), ("home", .home), ("end", .end), ("pageUp", .pageUp),
        ("pageDown", .pageDown), ("wheelUp", .wheelUp), ("wheelDown", .wheelDown), ("f1", .f1),
        ("focusIn", .focusIn), ("focusOut", .focusOut), ("altLeft", .altLeft), ("altRight", .altRight),
    ]
    private static let plain: [String: Key] = Dictionary(uniqueKeysWithValues: plainKeys)
    private static func plainName(_ key: Key) -> String {
        plainKeys.first { $0.1 == key }!.0
    }
}
