/// Column width of a grapheme as a terminal draws it, from the project's own table so that
/// layout never depends on the locale, the C library's `wcwidth` or the machine.
///
/// Rules, in order, for one `Character`:
/// - its first scalar decides, except as below: C0/C1 controls, DEL and other invisible
///   characters (`CharacterClass.isZeroWidth`: Cc, Cf, Zl, Zp, Mn, Me, and the Hangul
///   medial/final jamo) are 0; East Asian Wide and Fullwidth characters (which since Unicode 9 include every
///   emoji with default emoji presentation) and regional indicators are 2; everything else 1;
/// - a following U+FE0F (variation selector 16, emoji presentation) makes a 1-wide base 2;
/// - an emoji ZWJ sequence is one grapheme of width 2 (its first emoji is wide, carries
///   U+FE0F, or an emoji follows a U+200D);
/// - combining marks are part of their base's `Character`, so they add nothing.
///
/// The general categories come from the standard library: grapheme clustering comes from it
/// too, so the two agree on what a combining mark is. Only the wide set is a table here,
/// because that is where terminals, locales and libraries disagree.
public enum TerminalWidth {
    public static func of(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F, scalars.count == 1 { return first.value < 0x20 ? 0 : 1 }
        if CharacterClass.isZeroWidth(first) { return 0 }
        if isWide(first.value) { return 2 }
        var afterJoiner = false
        for s in scalars.dropFirst() {
            if s.value == 0xFE0F || (afterJoiner && CharacterClass.isEmoji(s)) { return 2 }
            afterJoiner = s.value == 0x200D
        }
        return 1
    }

    public static func of(_ s: String) -> Int {
        var total = 0
        for c in s { total += of(c) }
        return total
    }

    public static func of(_ s: Substring) -> Int {
        var total = 0
        for c in s { total += of(c) }
        return total
    }

    static func isWide(_ v: UInt32) -> Bool {
        if v < wide[0].lower { return false }
        var lo = 0
        var hi = wide.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if wide[mid].lower <= v { lo = mid } else { hi = mid - 1 }
        }
        return v <= wide[lo].upper
    }

    /// East Asian Wide (W) and Fullwidth (F) code points of Unicode 15.0, plus the regional
    /// indicators (EAW "N", but a flag pair is drawn 2 wide). Adjacent ranges separated only
    /// by unassigned code points are merged; the CJK ideograph blocks and planes 2–3 are wide
    /// as a whole, as EastAsianWidth.txt assigns their unassigned code points.
    static let wide: [(lower: UInt32, upper: UInt32)] = [
        (0x1100, 0x115F), (0x231A, 0x231B), (0x2329, 0x232A), (0x23E9, 0x23EC), (0x23F0, 0x23F0),
        (0x23F3, 0x23F3), (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
        (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5),
        (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5),
        (0x26FA, 0x26FA), (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728),
        (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
        (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
        (0x2E80, 0x303E), (0x3041, 0x3247), (0x3250, 0x4DBF), (0x4E00, 0xA4C6), (0xA960, 0xA97C),
        (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE6B), (0xFF01, 0xFF60),
        (0xFFE0, 0xFFE6), (0x16FE0, 0x1B2FB), (0x1F004, 0x1F004), (0x1F0CF, 0x1F0CF), (0x1F18E, 0x1F18E),
        (0x1F191, 0x1F19A), (0x1F1E6, 0x1F320), (0x1F32D, 0x1F335), (0x1F337, 0x1F37C), (0x1F37E, 0x1F393),
        (0x1F3A0, 0x1F3CA), (0x1F3CF, 0x1F3D3), (0x1F3E0, 0x1F3F0), (0x1F3F4, 0x1F3F4), (0x1F3F8, 0x1F43E),
        (0x1F440, 0x1F440), (0x1F442, 0x1F4FC), (0x1F4FF, 0x1F53D), (0x1F54B, 0x1F54E), (0x1F550, 0x1F567),
        (0x1F57A, 0x1F57A), (0x1F595, 0x1F596), (0x1F5A4, 0x1F5A4), (0x1F5FB, 0x1F64F), (0x1F680, 0x1F6C5),
        (0x1F6CC, 0x1F6CC), (0x1F6D0, 0x1F6D2), (0x1F6D5, 0x1F6DF), (0x1F6EB, 0x1F6EC), (0x1F6F4, 0x1F6FC),
        (0x1F7E0, 0x1F7F0), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1F9FF), (0x1FA70, 0x1FAF8),
        (0x20000, 0x3FFFD),
    ]
}
