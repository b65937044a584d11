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

    /// Whether a code point draws nothing a reader could tell apart from nothing: control (Cc)
    /// and format (Cf) characters, line and paragraph separators, Unicode's
    /// Default_Ignorable_Code_Point (variation selectors, the combining grapheme joiner, the
    /// Hangul fillers...), and blank-looking symbols (`isBlankSymbol`). None of
    /// them belongs in a name: each would make two names that look the same.
    static func isInvisibleOrControl(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return s.properties.isDefaultIgnorableCodePoint || isBlankSymbol(s)
        }
    }

    /// Default-ignorable letters: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), which
    /// draw as blank space although they are letters. Names lose them with every other
    /// default-ignorable code point; the screen shows them as `<U+XXXX>` (the other
    /// default-ignorables it shows are format characters, or marks that draw nothing).
    public static func isInvisibleLetter(_ s: Unicode.Scalar) -> Bool {
        s.properties.isDefaultIgnorableCodePoint && s.properties.generalCategory == .otherLetter
    }

    /// U+2800 BRAILLE PATTERN BLANK draws as a blank cell but is not default-ignorable: it is
    /// invisible in a name, yet stays in chat texts, where braille art needs it.
    static func isBlankSymbol(_ s: Unicode.Scalar) -> Bool { s.value == 0x2800 }

    /// A name as the room stores it: invisible characters removed, trimmed, at most
    /// `Limits.maxNameLength` characters, `Anonymous` when nothing is left.
    public static func cleanName(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: raw.unicodeScalars.filter { !isInvisibleOrControl($0) })
        let name = String(String(scalars).trimmed().prefix(Limits.maxNameLength)).trimmed()
        return name.isEmpty ? anonymous : name
    }

    /// The keys under which a name collides with another: its UTS #39 skeleton (so `аlice` with
    /// a Cyrillic а, `alice` and `aIice` with a capital I meet), lowercased, taken of the name as
    /// it is and lowercased, since case folding and the skeleton do not commute (`ALICE` and
    /// `aIice`). Two names collide when they share a key; `alice` and `ALICE` always do.
    public static func nameKeys(_ name: String) -> [String] {
        let asIs = skeleton(name).lowercased()
        let folded = skeleton(name.lowercased()).lowercased()
        return asIs == folded ? [asIs] : [asIs, folded]
    }

    /// The UTS #39 skeleton of `s` for the common scripts (see `skeletons`): each code point
    /// replaced by its prototype. Normalisation is left to String's canonical equivalence.
    static func skeleton(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if let mapped = skeletons[scalar.value] {
                out.append(contentsOf: mapped.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
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
