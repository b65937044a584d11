/// Every question pychat asks about a code point, in one place. They differ because the answers
/// serve different ends, and each says which:
/// - `isInvisibleInName`: what a name loses (anything a reader could not tell from nothing);
/// - `isHiddenOnScreen`: what the screen shows as `<U+XXXX>` instead of drawing it;
/// - `isZeroWidth`: what a terminal advances the cursor by nothing for;
/// - `isEmoji`, `isBidiControl`: the building blocks of those and of the width rules.
public enum CharacterClass {
    /// C0 controls, DEL and C1 controls (general category Cc).
    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value)
    }

    /// Format characters (Cf: bidi controls, zero-width characters, BOM) and the line and
    /// paragraph separators: they steer text rather than draw.
    public static func isFormatOrSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// Explicit bidirectional formatting characters: they can reorder the text drawn after them.
    public static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Default-ignorable letters: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), which
    /// draw as blank space although they are letters.
    public static func isInvisibleLetter(_ s: Unicode.Scalar) -> Bool {
        s.properties.isDefaultIgnorableCodePoint && s.properties.generalCategory == .otherLetter
    }

    /// U+2800 BRAILLE PATTERN BLANK draws as a blank cell but is not default-ignorable: it is
    /// invisible in a name, yet stays in chat texts, where braille art needs it.
    public static func isBlankSymbol(_ s: Unicode.Scalar) -> Bool { s.value == 0x2800 }

    /// Whether a code point draws nothing a reader could tell apart from nothing: controls,
    /// format characters and separators, Unicode's Default_Ignorable_Code_Point (variation
    /// selectors, the combining grapheme joiner, the Hangul fillers...) and blank symbols. None of
    /// them belongs in a name, where each would make two names that look the same.
    public static func isInvisibleInName(_ s: Unicode.Scalar) -> Bool {
        // Printable ASCII, the combining diacritical marks but the grapheme joiner (U+034F,
        // default-ignorable) and the common CJK ideographs hold none of these: they skip the
        // property lookup, which costs a name of 30 000 accents (one frame) milliseconds.
        switch s.value {
        case 0x20...0x7E, 0x300...0x34E, 0x350...0x36F, 0x4E00...0x9FFF: return false
        default: break
        }
        return isControl(s) || isFormatOrSeparator(s) || s.properties.isDefaultIgnorableCodePoint || isBlankSymbol(s)
    }

    /// What the screen shows by name rather than draws (C0 controls are shown as `^X` before
    /// this is asked): C1 controls, format characters and separators, and the invisible letters.
    /// Other default-ignorables are marks that draw nothing, which a terminal handles.
    public static func isHiddenOnScreen(_ s: Unicode.Scalar) -> Bool {
        (0x80...0x9F).contains(s.value) || isInvisibleLetter(s) || isFormatOrSeparator(s)
    }

    /// What a terminal gives no column: controls, format characters and separators, nonspacing
    /// and enclosing marks, and the Hangul medial and final jamo (which join the syllable before).
    public static func isZeroWidth(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if isControl(s) { return true }
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return true }
        switch s.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator, .nonspacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// An emoji, for joining sequences (ZWJ) and width: Unicode's Emoji property, without the
    /// ASCII digits, `#` and `*` that also carry it.
    public static func isEmoji(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0xA9 && s.properties.isEmoji
    }
}
