/// The room's rules for names and chat texts, in one place for server and client.
public enum TextRules {
    public static let anonymous = "Anonymous"

    /// Explicit bidirectional formatting characters: they can reorder the text drawn after them.
    public static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Control (Cc) and format (Cf: bidi controls, zero-width characters, BOM) characters, and
    /// the line and paragraph separators, none of which belong in a name.
    static func isInvisibleOrControl(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// A name as the room stores it: control and format characters removed, trimmed, at most
    /// `Limits.maxNameLength` characters, `Anonymous` when nothing is left.
    public static func cleanName(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: raw.unicodeScalars.filter { !isInvisibleOrControl($0) })
        let name = String(String(scalars).trimmed().prefix(Limits.maxNameLength)).trimmed()
        return name.isEmpty ? anonymous : name
    }

    /// `base`, or `base` with the smallest numeric suffix from 2 up that no taken name has,
    /// compared case-insensitively, kept within the name length limit.
    public static func uniqueName(_ base: String, isTaken: (String) -> Bool) -> String {
        if !isTaken(base.lowercased()) { return base }
        var n = 2
        while true {
            let suffix = String(n)
            let candidate = String(base.prefix(Limits.maxNameLength - suffix.count)) + suffix
            if !isTaken(candidate.lowercased()) { return candidate }
            n += 1
        }
    }

    /// A chat text as it is relayed: control characters other than newline and tab removed.
    public static func cleanText(_ raw: String) -> String {
        // Most texts are printable ASCII (plus tab and newline) and stay as they are.
        if raw.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x09 }) { return raw }
        var scalars = String.UnicodeScalarView()
        // The control characters (category Cc) are exactly C0, DEL and C1.
        scalars.append(contentsOf: raw.unicodeScalars.filter { s in
            s.value == 0x0A || s.value == 0x09 || !(s.value < 0x20 || (0x7F...0x9F).contains(s.value))
        })
        return String(scalars)
    }

    /// Whether a cleaned text says nothing at all (empty or only white space): not relayed.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// The notice a sender gets for a text over the limit.
    public static func tooLongNotice(length: Int) -> String {
        "Message not sent: it has \(length) characters, the limit is \(Limits.maxTextLength)."
    }
}

extension String {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
