/// One line of the display history: what a user sees, with the sender's name and colour
/// resolved when it arrived (a later rename or departure does not rewrite the past).
public struct DisplayLine: Equatable, Hashable, Sendable, Codable {
    public enum Kind: Equatable, Hashable, Sendable, Codable {
        /// A chat message from a user.
        case chat(name: String, color: RGB)
        /// A SystemMessage from the server (joins, leaves, notices).
        case system
        /// Something this program says to its own user ("Connected to server ...").
        case notice
    }

    public var kind: Kind
    public var text: String
    /// A line of the room log (history on joining, a page scrolled up to, a search result), not
    /// one that happened while we were here.
    public var fromLog = false
    /// Typed while not joined and not sent yet: drawn dimmed, below the history (issue #13).
    public var pending = false
    /// When it was said, in Unix milliseconds: the server's time for a line a pychat server
    /// stamped, else when it reached us (the interpreter's wall clock, from `Event.time`); nil
    /// only before the interpreter first told the time.
    public var time: Int64?
    /// The room log's number for the entry this line shows, when the server told it (a stamped
    /// live line, a line of the log): which entry it is, across reconnects and restarts.
    public var seq: Int64?
    /// Housekeeping (a connection opened or ended on the host's screen): drawn dimmed.
    public var quiet = false
    /// Someone else's line that names the local user as a word: drawn highlighted, and it
    /// rings when the terminal is not focused (see `Mention`).
    public var mentionsMe = false
    /// The room it was said in, if not `#general` (feature `rooms`): the UI puts it in that
    /// room's buffer, a transcript tags it `[#rust]`.
    public var room: String?

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    public static func chat(_ name: String, _ color: RGB, _ text: String) -> DisplayLine {
        DisplayLine(.chat(name: name, color: color), text)
    }

    public static func system(_ text: String) -> DisplayLine { DisplayLine(.system, text) }

    /// The same line, drawn dimmed.
    public var quieted: DisplayLine {
        var line = self
        line.quiet = true
        return line
    }
    public static func notice(_ text: String) -> DisplayLine { DisplayLine(.notice, text) }

    /// The line as plain text for a headless transcript: `name: text` or `* text`. Control
    /// characters are shown in caret notation so hostile text cannot drive the terminal that
    /// stdout may be; a newline continues the line on an indented row.
    public var transcript: String {
        // A line of the room log says when it was said (UTC: a transcript is read anywhere);
        // live lines are read as they come.
        let clock = fromLog ? time.map { "[" + ClockText.hhmm($0) + "] " } ?? "" : ""
        let body = (room.map { "[#\($0)] " } ?? "") + clock + Self.visible(text)
        switch kind {
        case .chat(let name, _): return "\(Self.visible(name)): \(body)"
        case .system, .notice: return "* \(body)"
        }
    }

    static func visible(_ s: String) -> String {
        // Most lines have nothing to show otherwise: returned as they are, without rebuilding
        // them a scalar at a time (a headless client formats every line it is sent).
        mayChange(s) ? rewritten(s) : s
    }

    /// `visible`'s rewriting, a scalar at a time.
    static func rewritten(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x0A: out.append(contentsOf: "\n  ".unicodeScalars)
            case 0x09: out.append(scalar)
            case 0x00..<0x20, 0x7F:
                out.append("^")
                out.append(Unicode.Scalar(UInt8(scalar.value ^ 0x40)))
            case 0x80..<0xA0:
                out.append(contentsOf: "<\(String(scalar.value, radix: 16))>".unicodeScalars)
            default:
                // Bidi controls could reorder what follows on the terminal; show them by name.
                if CharacterClass.isBidiControl(scalar) {
                    out.append(contentsOf: "<U+\(String(scalar.value, radix: 16, uppercase: true))>".unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    /// Whether `visible` changes `s`: some UTF-8 byte is a C0 control other than tab, or DEL,
    /// or some scalar is one of the others it rewrites, told by its bytes: C2 80-9F (the C1
    /// controls), D8 9C (U+061C), E2 80 8E-8F, E2 80 AA-AE and E2 81 A6-A9 (the bidi controls
    /// at U+200E-U+2069). Only the lead bytes C2, D8 and E2 are looked past: a text of dashes,
    /// quotes and no-break spaces (E2 and C2 all) is not rebuilt a scalar at a time.
    static func mayChange(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            var k = 0
            while k < bytes.count {
                let b = bytes[k]
                if (b < 0x20 && b != 0x09) || b == 0x7F { return true }
                if b >= 0xC2, rewritesScalar(at: k, of: bytes) { return true }
                k &+= 1
            }
            return false
        }
    }

    /// Whether the scalar whose lead byte is at `k` of valid UTF-8 is one `rewritten` shows
    /// otherwise (past ASCII): a C1 control or a bidi control.
    private static func rewritesScalar(at k: Int, of bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes[k] {
        case 0xC2: return bytes[k &+ 1] < 0xA0
        case 0xD8: return bytes[k &+ 1] == 0x9C
        case 0xE2:
            let second = bytes[k &+ 1], third = bytes[k &+ 2]
            switch second {
            case 0x80: return third == 0x8E || third == 0x8F || (third >= 0xAA && third <= 0xAE)
            case 0x81: return third >= 0xA6 && third <= 0xA9
            default: return false
            }
        default: return false
        }
    }
}
