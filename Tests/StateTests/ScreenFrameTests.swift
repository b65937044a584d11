import Testing
@testable import ChatState

@Suite struct ScreenFrameTests {
    @Test func newFrameIsBlank() {
        let f = Frame(cols: 3, rows: 2)
        #expect(f.cells == Array(repeating: Cell.blank, count: 6))
        #expect(f.lines() == ["", ""])
        #expect(f.cursor == nil)
    }

    @Test func putTextReturnsColumnsUsed() {
        var f = Frame(cols: 10, rows: 2)
        #expect(f.put("hi 中", row: 0, col: 1) == 5)
        #expect(f.put("world", row: 1, col: 7) == 3)
        #expect(f.lines() == [" hi 中", "       wor"])
        #expect(f[0, 4] == Cell(grapheme: "中", width: 2))
        #expect(f[0, 5] == .continuation(.plain))
    }

    @Test func putClipsToWidth() {
        var f = Frame(cols: 10, rows: 1)
        #expect(f.put("abcdef", row: 0, col: 2, width: 3) == 3)
        #expect(f.lines() == ["  abc"])
        #expect(f.put("x", row: 0, col: 10) == 0)
        #expect(f.put("x", row: 1, col: 0) == 0)
        #expect(f.put("x", row: 0, col: -1) == 0)
    }

    @Test func wideCharacterNeverSplitsAtTheEdge() {
        var f = Frame(cols: 5, rows: 1)
        let red = Style(foreground: .rgb(255, 0, 0))
        #expect(f.put("abcd中", row: 0, col: 0, style: red) == 5)
        #expect(f[0, 4] == Cell(grapheme: " ", width: 1, style: red))
        #expect(f.lines() == ["abcd"])
        var g = Frame(cols: 10, rows: 1)
        #expect(g.put("a中", row: 0, col: 0, width: 2) == 2)
        #expect(g.lines() == ["a"])
        #expect(g[0, 1] == Cell.blank)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var f = Frame(cols: 6, rows: 1)
        f.put("中文", row: 0, col: 0)
        f.put("x", row: 0, col: 1)
        #expect(f.lines() == [" x文"])
        #expect(f[0, 0] == .blank)

        var g = Frame(cols: 6, rows: 1)
        g.put("中文", row: 0, col: 0)
        g.put("x", row: 0, col: 2)
        #expect(g.lines() == ["中x"])
        #expect(g[0, 3] == .blank)

        var h = Frame(cols: 6, rows: 1)
        h.put("中文", row: 0, col: 0)
        h.put("字", row: 0, col: 1)
        #expect(h.lines() == [" 字"])
        #expect(h.cells.map(\.width) == [1, 2, 0, 1, 1, 1])
    }

    @Test func hostileTextIsDrawnSafely() {
        var f = Frame(cols: 20, rows: 1)
        f.put("\u{1b}[2Jx\u{202e}", row: 0, col: 0)
        #expect(f.lines() == ["^[[2Jx<U+202E>"])
        #expect(isSafe(f.cells))
    }

    @Test func fillPaintsBlanks() {
        var f = Frame(cols: 4, rows: 1)
        f.put("中ab", row: 0, col: 0)
        let bar = Style(reverse: true)
        f.fill(row: 0, col: 1, count: 10, style: bar)
        #expect(f.cells == [.blank, .blank(bar), .blank(bar), .blank(bar)])
    }
}
