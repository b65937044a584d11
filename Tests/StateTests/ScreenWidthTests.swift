import Testing
@testable import ChatState

@Suite struct ScreenWidthTests {
    @Test func asciiIsOneColumn() {
        for v in 0x20...0x7E {
            let c = Character(Unicode.Scalar(UInt8(v)))
            #expect(TerminalWidth.of(c) == 1, "U+\(v)")
        }
        #expect(TerminalWidth.of("hello, world") == 12)
    }

    @Test func controlsAreZero() {
        for v in Array(0x00...0x1F) + Array(0x7F...0x9F) {
            let c = Character(Unicode.Scalar(UInt8(v)))
            #expect(TerminalWidth.of(c) == 0, "U+\(v)")
        }
        #expect(TerminalWidth.of("\r\n" as Character) == 0)
    }

    @Test func wideAndFullwidth() {
        let cases: [(Character, Int)] = [
            ("中", 2), ("文", 2), ("한", 2), ("ひ", 2), ("カ", 2), ("Ａ", 2), ("！", 2), ("￥", 2),
            ("ｱ", 1), ("\u{3000}", 2), ("\u{1100}", 2), ("\u{1100}\u{1161}", 2), ("\u{20000}", 2),
            ("\u{2FFFD}", 2), ("\u{31350}", 2), ("\u{3008}", 2), ("\u{27E8}", 1), ("\u{2329}", 2), ("é", 1), ("Ω", 1), ("ж", 1),
            ("\u{A4C6}", 2), ("\u{A4C7}", 1), ("\u{FE18}", 2), ("\u{FE1A}", 1),
        ]
        for (c, w) in cases {
            #expect(TerminalWidth.of(c) == w, "\(c.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func combiningMarksJoinTheirBase() {
        #expect(TerminalWidth.of("e\u{301}" as Character) == 1)
        #expect(TerminalWidth.of("a\u{301}\u{302}\u{303}" as Character) == 1)
        #expect(TerminalWidth.of("中\u{301}" as Character) == 2)
        #expect(TerminalWidth.of("\u{301}" as Character) == 0)
        #expect(TerminalWidth.of("cafe\u{301}") == 4)
    }

    @Test func emoji() {
        let cases: [(String, Int)] = [
            ("😀", 2), ("🎉", 2), ("👍", 2), ("👍🏽", 2), ("⌚", 2), ("⭐", 2), ("🦀", 2), ("🫠", 2),
            ("🩷", 2),  // Unicode 15
            ("☺", 1), ("☺\u{FE0F}", 2), ("❤", 1), ("❤\u{FE0F}", 2), ("✔", 1), ("1\u{FE0F}\u{20E3}", 2),
            ("☺\u{FE0E}", 1),
            ("👨\u{200D}👩\u{200D}👧\u{200D}👦", 2),  // family: one grapheme
            ("🏳\u{FE0F}\u{200D}🌈", 2), ("👁\u{200D}🗨", 2), ("❤\u{FE0F}\u{200D}🔥", 2),
            ("🇫🇷", 2), ("🇯🇵🇺🇸", 4), ("\u{1F1E6}", 2),
            ("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", 2),
        ]
        for (s, w) in cases {
            #expect(TerminalWidth.of(s) == w, "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(("👨\u{200D}👩\u{200D}👧\u{200D}👦" as String).count == 1)
    }

    @Test func zeroWidthCharacters() {
        for v: UInt32 in [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x202E, 0x2066, 0x200E, 0x061C, 0xFE0F, 0x1160] {
            let c = Character(Unicode.Scalar(v)!)
            #expect(TerminalWidth.of(c) == 0, "U+\(String(v, radix: 16))")
        }
    }

    @Test func stringWidthIsTheSumOverCharacters() {
        #expect(TerminalWidth.of("a中😀🇫🇷e\u{301}") == 1 + 2 + 2 + 2 + 1)
        #expect(TerminalWidth.of("") == 0)
        #expect(TerminalWidth.of("abc中"[...]) == 5)
    }

    @Test func tableIsSortedAndDisjoint() {
        let t = TerminalWidth.wide
        for (i, r) in t.enumerated() {
            #expect(r.lower <= r.upper)
            if i > 0 { #expect(t[i - 1].upper + 1 < r.lower) }
        }
        #expect(TerminalWidth.isWide(0x10FFFF) == false)
        #expect(TerminalWidth.isWide(0) == false)
        for r in t {
            #expect(TerminalWidth.isWide(r.lower) && TerminalWidth.isWide(r.upper))
            #expect(!TerminalWidth.isWide(r.lower - 1) && !TerminalWidth.isWide(r.upper + 1))
        }
    }
}
