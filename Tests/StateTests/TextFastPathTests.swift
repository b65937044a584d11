import Testing
@testable import ChatState

/// The client's and the room's text rules where they skip their general code: a text's
/// controls removed over its bytes, a name with nothing invisible not rebuilt, a text's
/// characters counted only when its code points could be over the limit.
@Suite struct TextFastPathTests {
    /// Controls of every kind (C0, DEL, C1, and their neighbours that stay: NBSP is C2 A0, U+0100
    /// is C4 80), what cleaning keeps (tab, newline) and what it keeps although the screen does
    /// not show it, with the tricky Characters.
    static let controls: [Character] = ["\u{0}", "\u{1B}", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}",
                                        "\u{100}", "\u{9B}", "\t", "\n", "\r", "\r\n", "\u{200E}", "\u{FEFF}"]

    @Test func aTextIsCleanedOverItsBytesAsScalarByScalar() {
        // Every scalar of the first two planes between letters and beside a control, then every
        // string of three from the controls and the tricky Characters.
        var texts: [String] = []
        for v in UInt32(0)...0x1FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let c = String(Character(scalar))
            texts.append("a" + c + "b\u{1}" + c + "\u{85}")
        }
        texts += FastPathTests.strings(Self.controls + FastPathTests.tricky, upTo: 3)
        var cleaned = 0
        for text in texts where TextRules.hasControl(text) {
            let fast = TextRules.withoutControlBytes(text)
            #expect(fast.utf8.elementsEqual(TextRules.withoutControls(text).utf8), "\(text.debugDescription)")
            cleaned += 1
        }
        #expect(cleaned > 60_000)
        #expect(TextRules.cleanText("\u{1B}[31mred\u{9B}\u{A0}x\u{7F}\n\u{85}") == "[31mred\u{A0}x\n")
    }

    @Test func aNameWithNothingInvisibleIsKeptAsItIs() {
        // Where the look at the scalars finds nothing invisible, removing the invisible ones
        // changes no byte.
        var names: [String] = []
        for v in UInt32(0)...0x1FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            names.append("a" + String(Character(scalar)) + "b")
        }
        names += FastPathTests.strings(Self.controls + FastPathTests.tricky, upTo: 2)
        var kept = 0
        for name in names where !TextRules.hasInvisible(name) {
            #expect(TextRules.withoutInvisibles(name).utf8.elementsEqual(name.utf8), "\(name.debugDescription)")
            kept += 1
        }
        #expect(kept > 100_000)
        #expect(TextRules.hasInvisible("zero\u{200B}width") && TextRules.hasInvisible("a\u{34F}") && !TextRules.hasInvisible("Zoë"))
        #expect(TextRules.cleanName(" \u{200B} Zo\u{EB}\u{FE0F} ") == "Zoë")
    }

    /// Texts a little either side of the limit, of one code point per character or not: emoji,
    /// flags, clusters longer than `Limits.maxClusterScalars` (which count a code point each),
    /// CR LF, combining marks.
    static var textsAboutTheLimit: [String] {
        let n = Limits.maxTextLength
        let tails = ["", "😀", "🇫🇷", "👩‍👩‍👧", "\r\n", "e\u{301}", "e" + String(repeating: "\u{301}", count: 40),
                     String(repeating: "\u{301}", count: 40), "\u{E9}", "\u{0}b"]
        var texts: [String] = []
        for body in ["a", "\u{E9}", "😀", "👍🏽", "e\u{301}", "\r\n", "中"] {
            for count in [n / 4, n / 2 - 1, n - 40, n - 2, n - 1, n, n + 1] {
                for tail in tails { texts.append(String(repeating: body, count: count) + tail) }
            }
        }
        return texts
    }

    @Test func aTextHasNoMoreCharactersThanCodePoints() {
        // What lets `refusal` count characters only past the limit in code points.
        var checked = 0
        for text in Self.textsAboutTheLimit + FastPathTests.strings(FastPathTests.tricky, upTo: 3) {
            #expect(TextRules.length(text) <= text.unicodeScalars.count, "\(text.debugDescription)")
            checked += 1
        }
        #expect(checked > 9_000)
    }

    @Test func aTextIsRefusedByItsCharactersAndItsBytes() {
        // The refusal is the one of the text's characters counted, whether or not they were.
        for text in Self.textsAboutTheLimit {
            let n = TextRules.length(text), bytes = JSONWriter.encodedLength(text)
            let expected: TextRefusal? = n > Limits.maxTextLength ? .tooLong(characters: n)
                : bytes > Limits.maxTextBytes ? .tooBig(bytes: bytes) : nil
            #expect(TextRules.refusal(text) == expected, "\(text.prefix(3).debugDescription)… \(n) characters")
        }
        let max = Limits.maxTextLength
        #expect(TextRules.refusal(String(repeating: "a", count: max - 1) + "😀") == nil)
        #expect(TextRules.refusal(String(repeating: "😀", count: max + 1)) == .tooLong(characters: max + 1))
        #expect(TextRules.refusal("e" + String(repeating: "\u{301}", count: max)) == .tooLong(characters: max + 1))
    }

    /// Scalars below U+0300 beside what joins or extends clusters: CR LF, marks, a soft hyphen,
    /// C0 and C1 controls, © and ® (emoji that a ZWJ joins), ZWJ, an emoji and its modifier,
    /// regional indicators, Hangul L V T and LV, a Prepend (U+0600), a Devanagari conjunct and a
    /// spacing mark, a variation selector, a tag, a cluster longer than `Limits.maxClusterScalars`.
    static let clusterPieces: [String] = [
        "a", " ", "\r", "\n", "\u{E9}", "\u{2FF}", "\u{300}", "\u{301}", "\u{AD}", "\u{0}", "\u{85}", "\u{A9}", "\u{AE}",
        "\u{200D}", "👩", "\u{1F3FD}", "\u{1F1E6}", "\u{1F1EB}", "\u{1100}", "\u{1161}", "\u{11A8}", "\u{AC00}", "\u{600}",
        "\u{915}\u{94D}", "\u{903}", "\u{FE0F}", "\u{E0020}", "e" + String(repeating: "\u{301}", count: 40),
    ]

    @Test func aTextIsCountedInPiecesAsCharactersCountIt() {
        var texts = Self.textsAboutTheLimit + FastPathTests.strings(FastPathTests.tricky, upTo: 3)
        texts += FastPathTests.strings(Self.clusterPieces.map { Character($0) }, upTo: 3)
        for text in texts {
            #expect(TextRules.segmentedLength(text) == TextRules.characterLength(text), "\(text.prefix(8).debugDescription)")
        }
        #expect(texts.count > 30_000)
        #expect(TextRules.length("e\u{301} " + String(repeating: "a", count: 10) + "\r\n😀") == 14)
    }
}
