/// A peer's string in a log line, quoted and made visible: the one way any peer-controlled
/// text (a name, a field name or type from a frame, a certificate's names) enters a log.
/// A log line is one line of plain text; whatever a peer sends, it cannot end that line,
/// forge another, reach the reader's terminal as a control sequence, reorder the line, or
/// hide a code point. Quotes and backslashes are escaped, so the quoted part ends only
/// where the quoting does; newline, return and tab read `\n`, `\r`, `\t`; other control,
/// format and invisible characters read `\u{XXXX}`. Beyond `shownCharacters` the rest is
/// cut and counted: a log line stays short whatever the frame held.
public func quoted(_ s: String) -> String {
    var out = "\""
    var shown = 0
    for scalar in s.unicodeScalars {
        if shown == LogText.shownCharacters {
            return out + "\"... (\(s.unicodeScalars.count) code points)"
        }
        shown += 1
        switch scalar.value {
        case 0x22: out += "\\\""
        case 0x5C: out += "\\\\"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x20..<0x7F: out.unicodeScalars.append(scalar)
        default:
            if CharacterClass.isInvisibleInName(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

public enum LogText {
    /// How much of a peer's string a log line shows.
    public static let shownCharacters = 80
}
