import Testing
@testable import ChatState

@Suite struct ScreenTextTests {
    let dim = Style(dim: true)

    @Test func hostileSequencesAreShownNotObeyed() {
        let cases: [(String, String)] = [
            ("\u{1b}[31mred", "^[[31mred"),
            ("\u{1b}]52;c;SGVsbG8=\u{07}", "^[]52;c;SGVsbG8=^G"),
            ("\u{1b}]0;title\u{07}", "^[]0;title^G"),
            ("\u{1b}[21t", "^[[21t"),
            ("\u{1b}[2J\u{1b}[H", "^[[2J^[[H"),
            ("\u{9b}31m", "<U+009B>31m"),
            ("\u{1b}P+q\u{1b}\\", "^[P+q^[\\"),
            ("abc\u{202e}def", "abc<U+202E>def"),
            ("\u{2066}x\u{2069}", "<U+2066>x<U+2069>"),
            ("a\u{200E}b\u{200F}c\u{061C}", "a<U+200E>b<U+200F>c<U+061C>"),
            ("a\u{200B}b", "a<U+200B>b"),
            ("pay\u{200D}pal", "pay<U+200D>pal"),
            ("pay\u{200C}pal", "pay<U+200C>pal"),
            ("\u{2060}x\u{FEFF}", "<U+2060>x<U+FEFF>"),
            ("a\u{2028}b", "a<U+2028>b"),
            ("\u{3164}", "<U+3164>"),
            ("bell\u{07}", "bell^G"),
            ("del\u{7f}", "del^?"),
            ("nul\u{0}", "nul^@"),
            ("cr\r\nlf", "cr^M^Jlf"),
            ("\u{85}next line", "<U+0085>next line"),
        ]
        for (input, expected) in cases {
            let cells = ScreenText.cells(input)
            #expect(shown(cells) == expected)
            #expect(isSafe(cells), "\(expected)")
            #expect(cells.allSatisfy { $0.width == 1 })
        }
    }

    @Test func markersAreDimmedAndTextKeepsItsStyle() {
        let red = Style(foreground: .rgb(255, 0, 0))
        let cells = ScreenText.cells("a\u{1b}b", style: red)
        var redDim = red
        redDim.dim = true
        #expect(cells == [
            Cell(grapheme: "a", width: 1, style: red),
            Cell(grapheme: "^", width: 1, style: redDim),
            Cell(grapheme: "[", width: 1, style: redDim),
            Cell(grapheme: "b", width: 1, style: red),
        ])
    }

    @Test func emojiSequencesStayWhole() {
        for s in [
            "👨\u{200D}👩\u{200D}👧\u{200D}👦", "🏳\u{FE0F}\u{200D}🌈", "🇫🇷",
            "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "👍🏽",
        ] {
            let cells = ScreenText.cells(s)
            #expect(cells == [Cell(grapheme: s, width: 2), .continuation(.plain)])
            #expect(isSafe(cells))
        }
    }

    @Test func wideCharactersGetContinuationCells() {
        #expect(ScreenText.cells("a中b") == [
            Cell(grapheme: "a", width: 1), Cell(grapheme: "中", width: 2), .continuation(.plain),
            Cell(grapheme: "b", width: 1),
        ])
    }

    @Test func loneCombiningMarkSitsOnADottedCircle() {
        #expect(ScreenText.cells("\u{301}a") == [
            Cell(grapheme: "\u{25CC}\u{301}", width: 1), Cell(grapheme: "a", width: 1),
        ])
        // After a control the mark starts its own grapheme too.
        #expect(shown(ScreenText.cells("\u{1b}\u{301}")) == "^[\u{25CC}\u{301}")
    }

    @Test func combiningStacksAreCapped() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 40) + "b"
        let cells = ScreenText.cells(zalgo)
        #expect(cells.count == 2)
        #expect(cells[0].grapheme.unicodeScalars.count == ScreenText.maxScalarsPerGrapheme)
        #expect(cells[1].grapheme == "b")
    }

    @Test func tabsExpandToTheNextStop() {
        #expect(shown(ScreenText.cells("a\tb")) == "a       b")
        #expect(shown(ScreenText.cells("\tb")) == "        b")
        #expect(shown(ScreenText.cells("abcdefgh\tb")) == "abcdefgh        b")
        #expect(shown(ScreenText.cells("a\tb", startColumn: 5)) == "a  b")
        #expect(shown(ScreenText.cells("中\tb")) == "中      b")
    }

    @Test func wrapBreaksAtSpaces() {
        let rows = ScreenText.wrap(ScreenText.cells("hello world foo"), width: 11)
        #expect(shown(rows) == ["hello world", "foo"])
        #expect(shown(ScreenText.wrap(ScreenText.cells("hello world foo"), width: 9)) == ["hello ", "world foo"])
        #expect(shown(ScreenText.wrap(ScreenText.cells("aaaa bbbb cccc"), width: 6, indent: 2)) == [
            "aaaa ", "  bbbb", "  cccc",
        ])
    }

    @Test func wrapBreaksLongWords() {
        #expect(shown(ScreenText.wrap(ScreenText.cells("abcdefgh"), width: 3)) == ["abc", "def", "gh"])
        #expect(shown(ScreenText.wrap(ScreenText.cells("abcdefgh"), width: 4, indent: 1)) == [
            "abcd", " efg", " h",
        ])
        // A word after a space on the first row moves only if it fits beside the indent.
        #expect(shown(ScreenText.wrap(ScreenText.cells("a bcdefghij"), width: 6, indent: 3)) == [
            "a bcde", "   fgh", "   ij",
        ])
    }

    @Test func wrapNeverSplitsWideCharacters() {
        let rows = ScreenText.wrap(ScreenText.cells("ab中文"), width: 3)
        #expect(shown(rows) == ["ab", "中", "文"])
        #expect(rows[1] == [Cell(grapheme: "中", width: 2), .continuation(.plain)])
        #expect(rows.allSatisfy { $0.count <= 3 })
        // Too narrow for any wide character: a space stands in.
        #expect(shown(ScreenText.wrap(ScreenText.cells("中a"), width: 1)) == [" ", "a"])
        #expect(shown(ScreenText.wrap(ScreenText.cells("中文"), width: 3, indent: 2)) == ["中", "   "])
    }

    @Test func wrapTextSplitsLines() {
        #expect(shown(ScreenText.wrap("a\nb\r\nc", width: 5, indent: 2)) == ["a", "  b", "  c"])
        #expect(shown(ScreenText.wrap("", width: 5)) == [""])
        #expect(ScreenText.wrap([], width: 5) == [[]])
        #expect(shown(ScreenText.wrap("x\n\ny", width: 5)) == ["x", "", "y"])
    }
}
