import Testing
@testable import ChatState

private let esc = "\u{1b}"
private let begin = "\u{1b}[?2026h"
private let end = "\u{1b}[?2026l"

private func frame(_ lines: [String], cols: Int, cursor: Frame.Position? = nil) -> Frame {
    var f = Frame(cols: cols, rows: lines.count)
    for (r, line) in lines.enumerated() { f.put(line, row: r, col: 0) }
    f.cursor = cursor
    return f
}

@Suite struct ScreenDiffTests {
    @Test func firstFrameClearsAndDrawsEverything() {
        let f = frame(["hi", " x"], cols: 4)
        #expect(text(FrameDiff.render(previous: nil, next: f, colors: .trueColor)) ==
            "\(begin)\(esc)[0m\(esc)[2J\(esc)[1;1Hhi\(esc)[2;2Hx\(esc)[?25l\(end)")
    }

    @Test func sizeChangeRedrawsInFull() {
        let a = frame(["hi"], cols: 4)
        let b = frame(["hi"], cols: 5)
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .trueColor)) ==
            "\(begin)\(esc)[0m\(esc)[2J\(esc)[1;1Hhi\(esc)[?25l\(end)")
    }

    @Test func identicalFramesGiveNoBytes() {
        let f = frame(["hello", "中文"], cols: 6, cursor: .init(row: 1, col: 2))
        #expect(FrameDiff.render(previous: f, next: f, colors: .trueColor) == [])
        #expect(FrameDiff.render(previous: f, next: f, colors: .none) == [])
    }

    @Test func oneCellChangeWritesOneCell() {
        let a = frame(["hello", "world"], cols: 6)
        let b = frame(["hello", "wOrld"], cols: 6)
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .trueColor)) == "\(begin)\(esc)[2;2HO\(end)")
    }

    @Test func shortGapIsRewrittenLongGapIsAMove() {
        let a = frame(["abcdefghijklmnopqrst"], cols: 20)
        let near = frame(["abCdEfghijklmnopqrst"], cols: 20)
        #expect(text(FrameDiff.render(previous: a, next: near, colors: .trueColor)) == "\(begin)\(esc)[1;3HCdE\(end)")
        let far = frame(["abCdefghijklmnoPqrst"], cols: 20)
        #expect(text(FrameDiff.render(previous: a, next: far, colors: .trueColor)) == "\(begin)\(esc)[1;3HC\(esc)[1;16HP\(end)")
        let twoRows = frame(["abcdefghijklmnopqrsT", "x"], cols: 20)
        var a2 = a
        a2 = frame(["abcdefghijklmnopqrst", ""], cols: 20)
        // After the last column the cursor position is unknown: the next row needs a move.
        #expect(text(FrameDiff.render(previous: a2, next: twoRows, colors: .trueColor)) ==
            "\(begin)\(esc)[1;20HT\(esc)[2;1Hx\(end)")
    }

    @Test func styleChangesEmitSGRAndResetAtTheEnd() {
        let a = frame(["abc"], cols: 3)
        var b = a
        b.put("X", row: 0, col: 0, style: Style(foreground: .rgb(255, 0, 0), bold: true))
        b.put("Y", row: 0, col: 1, style: Style(background: .rgb(0, 0, 255), reverse: true, dim: true))
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .trueColor)) ==
            "\(begin)\(esc)[1;1H\(esc)[0;1;38;2;255;0;0mX\(esc)[0;2;7;48;2;0;0;255mY\(esc)[0m\(end)")
    }

    @Test func gapInAnotherStyleIsAMoveNotARewrite() {
        let bold = Style(bold: true)
        var a = Frame(cols: 5, rows: 1)
        a.put("abcde", row: 0, col: 0, style: bold)
        var b = a
        b.put("X", row: 0, col: 0)
        b.put("Z", row: 0, col: 2)
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .trueColor)) ==
            "\(begin)\(esc)[1;1HX\(esc)[1;3HZ\(end)")
    }

    @Test func palette256() {
        #expect(ColorMode.paletteIndex(255, 0, 0) == 196)
        #expect(ColorMode.paletteIndex(0, 0, 0) == 16)
        #expect(ColorMode.paletteIndex(255, 255, 255) == 231)
        #expect(ColorMode.paletteIndex(128, 128, 128) == 244)
        #expect(ColorMode.paletteIndex(8, 8, 8) == 232)
        #expect(ColorMode.paletteIndex(238, 238, 238) == 255)
        #expect(ColorMode.paletteIndex(95, 135, 175) == 67)
        #expect(ColorMode.paletteIndex(100, 100, 100) == 241)
        #expect(ColorMode.paletteIndex(250, 128, 114) == 209)  // salmon -> (255,135,95)
        let a = frame(["a"], cols: 1)
        var b = a
        b.put("a", row: 0, col: 0, style: Style(foreground: .rgb(255, 0, 0), background: .rgb(128, 128, 128)))
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .palette256)) ==
            "\(begin)\(esc)[1;1H\(esc)[0;38;5;196;48;5;244ma\(esc)[0m\(end)")
    }

    @Test func noColorKeepsAttributesOnly() {
        let a = frame(["ab"], cols: 2)
        var b = a
        b.put("a", row: 0, col: 0, style: Style(foreground: .rgb(255, 0, 0), bold: true))
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .none)) ==
            "\(begin)\(esc)[1;1H\(esc)[0;1ma\(esc)[0m\(end)")
        // A colour-only change is no change at all.
        var c = a
        c.put("b", row: 0, col: 1, style: Style(foreground: .rgb(0, 255, 0)))
        #expect(FrameDiff.render(previous: a, next: c, colors: .none) == [])
        // Nor is a coloured blank on a fresh screen.
        var d = Frame(cols: 2, rows: 1)
        d.fill(row: 0, col: 0, count: 2, style: Style(background: .rgb(0, 0, 255)))
        #expect(text(FrameDiff.render(previous: nil, next: d, colors: .none)) ==
            "\(begin)\(esc)[0m\(esc)[2J\(esc)[?25l\(end)")
    }

    @Test func wideReplacedByNarrowRepaintsBothCells() {
        let a = frame(["中x"], cols: 4)
        let b = frame(["abx"], cols: 4)
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .trueColor)) == "\(begin)\(esc)[1;1Hab\(end)")
        let c = frame(["a"], cols: 4)
        #expect(text(FrameDiff.render(previous: a, next: c, colors: .trueColor)) == "\(begin)\(esc)[1;1Ha  \(end)")
    }

    @Test func narrowReplacedByWideAndWideShifted() {
        let a = frame(["abx"], cols: 4)
        let b = frame(["中x"], cols: 4)
        #expect(text(FrameDiff.render(previous: a, next: b, colors: .trueColor)) == "\(begin)\(esc)[1;1H中\(end)")
        let c = frame([" 中 "], cols: 4)
        let d = frame(["中"], cols: 4)
        #expect(text(FrameDiff.render(previous: c, next: d, colors: .trueColor)) == "\(begin)\(esc)[1;1H中 \(end)")
    }

    @Test func cursorShowHideAndMove() {
        let hidden = frame(["abc"], cols: 5)
        var shown = hidden
        shown.cursor = .init(row: 0, col: 3)
        #expect(text(FrameDiff.render(previous: hidden, next: shown, colors: .trueColor)) ==
            "\(begin)\(esc)[1;4H\(esc)[?25h\(end)")
        #expect(text(FrameDiff.render(previous: shown, next: hidden, colors: .trueColor)) ==
            "\(begin)\(esc)[?25l\(end)")
        // Typing at the cursor: the write leaves the cursor where it must be, no move needed.
        var typed = frame(["abcd"], cols: 5)
        typed.cursor = .init(row: 0, col: 4)
        #expect(text(FrameDiff.render(previous: shown, next: typed, colors: .trueColor)) == "\(begin)d\(end)")
        // A change elsewhere: move there, write, move back.
        var other = typed
        other.put("X", row: 0, col: 0)
        #expect(text(FrameDiff.render(previous: typed, next: other, colors: .trueColor)) ==
            "\(begin)\(esc)[1;1HX\(esc)[1;5H\(end)")
        // First frame with a cursor: shown after drawing.
        #expect(text(FrameDiff.render(previous: nil, next: shown, colors: .trueColor)) ==
            "\(begin)\(esc)[0m\(esc)[2J\(esc)[1;1Habc\(esc)[?25h\(end)")
    }

    /// Random frames, rendered one after another into a small terminal emulator: after every
    /// render the emulator must show exactly the frame (graphemes, styles, cursor).
    @Test func randomFramesReplayExactly() {
        var rng = SplitMix(seed: 0x5eed)
        let pieces = ["a", "b", " ", "中", "😀", "é", "xy", "\u{1b}", "文字"]
        let styles = [
            Style.plain, Style(bold: true), Style(foreground: .rgb(255, 0, 0)),
            Style(background: .rgb(0, 0, 200), reverse: true), Style(dim: true),
        ]
        var previous: Frame? = nil
        var term = VirtualTerminal(cols: 9, rows: 4)
        for step in 0..<400 {
            let cols = step % 97 == 96 ? 10 : 9
            var f = previous.flatMap { $0.cols == cols && rng.next(4) != 0 ? $0 : nil } ?? Frame(cols: cols, rows: 4)
            for _ in 0..<rng.next(6) {
                f.put(pieces[rng.next(pieces.count)], row: rng.next(4), col: rng.next(cols),
                      style: styles[rng.next(styles.count)])
            }
            f.cursor = rng.next(3) == 0 ? nil : .init(row: rng.next(4), col: rng.next(cols))
            if term.cols != cols { term = VirtualTerminal(cols: cols, rows: 4, garbage: true) }
            let bytes = FrameDiff.render(previous: previous, next: f, colors: .trueColor)
            term.apply(bytes)
            #expect(term.cells.map(\.text) == f.cells.map(\.grapheme), "step \(step)")
            #expect(term.cells.map(\.style) == f.cells.map(\.style), "step \(step)")
            if let c = f.cursor {
                #expect(term.visible && term.row == c.row && term.col == c.col, "step \(step)")
            } else {
                #expect(!term.visible, "step \(step)")
            }
            #expect(term.pen == .plain)
            previous = f
        }
    }
}

@Suite struct ScreenScrollDiffTests {
    /// A chat-like screen: a border, history rows, and a fixed bottom part.
    func screen(_ lines: [String], cols: Int = 30, rows: Int = 12) -> Frame {
        var f = Frame(cols: cols, rows: rows)
        f.put("┌" + String(repeating: "─", count: cols - 2) + "┐", row: 0, col: 0)
        let first = max(0, lines.count - (rows - 4))
        for (n, line) in lines.suffix(rows - 4).enumerated() {
            // Alternate styles by message, so they move with their text.
            let style = (first + n) % 2 == 0 ? Style(foreground: .rgb(255, 0, 0)) : .plain
            f.put("│", row: n + 1, col: 0)
            f.put(line, row: n + 1, col: 1, style: style)
            f.put("│", row: n + 1, col: cols - 1)
        }
        f.put("└" + String(repeating: "─", count: cols - 2) + "┘", row: rows - 3, col: 0)
        f.put("> typing", row: rows - 2, col: 0)
        f.cursor = .init(row: rows - 2, col: 8)
        return f
    }

    @Test func aNewLineScrollsTheRegionAndWritesOneRow() {
        let history = (1...20).map { "message \($0) 中文" }
        let before = screen(Array(history.prefix(15)))
        let after = screen(Array(history.prefix(16)))
        var term = VirtualTerminal(cols: 30, rows: 12)
        term.apply(FrameDiff.render(previous: nil, next: before, colors: .trueColor))
        let bytes = FrameDiff.render(previous: before, next: after, colors: .trueColor)
        // Rows 2...8 (1-based) move up by one; then only the new bottom row is drawn.
        #expect(text(bytes).contains("\u{1b}[2;9r\u{1b}[1S\u{1b}[r"))
        #expect(bytes.count < 90)
        term.apply(bytes)
        #expect(term.cells.map(\.text) == after.cells.map(\.grapheme))
        #expect(term.cells.map(\.style) == after.cells.map(\.style))
        #expect(term.row == 10 && term.col == 8)
    }

    @Test func scrollsOfEveryDistanceReplayExactly() {
        let history = (1...60).map { n in n % 3 == 0 ? "line \(n) 😀" : "line \(n)" }
        var term = VirtualTerminal(cols: 30, rows: 12)
        var previous: Frame? = nil
        var shown = 1
        var rng = SplitMix(seed: 7)
        while shown < 60 {
            shown = min(60, shown + 1 + rng.next(9))
            let f = screen(Array(history.prefix(shown)))
            term.apply(FrameDiff.render(previous: previous, next: f, colors: .trueColor))
            #expect(term.cells.map(\.text) == f.cells.map(\.grapheme), "at \(shown)")
            #expect(term.cells.map(\.style) == f.cells.map(\.style), "at \(shown)")
            previous = f
        }
    }

    @Test func fewChangedRowsAreNotWorthAScroll() {
        let a = screen(["one", "two", "three"]), b = screen(["one", "two", "three", "four"])
        #expect(!text(FrameDiff.render(previous: a, next: b, colors: .trueColor)).contains("S"))
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ n: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(n))
    }
}

/// Just enough of a terminal to check `FrameDiff`: CUP, ED 2, SGR as FrameDiff writes it,
/// cursor visibility, synchronized output, and printing with the project's widths,
/// including the blanking of a half-overwritten wide glyph.
struct VirtualTerminal {
    struct Slot: Equatable {
        var text: String
        var style: Style
    }
    let cols: Int
    let rows: Int
    var cells: [Slot]
    var row = 0
    var col = 0
    var visible = true
    var pen = Style.plain
    var pendingWrap = false
    /// Scrolling margins (DECSTBM), 0-based and inclusive.
    var marginTop = 0
    var marginBottom: Int

    init(cols: Int, rows: Int, garbage: Bool = false) {
        marginBottom = rows - 1
        self.cols = cols
        self.rows = rows
        cells = Array(repeating: Slot(text: garbage ? "#" : " ", style: .plain), count: cols * rows)
    }

    mutating func apply(_ bytes: [UInt8]) {
        let chars = Array(String(decoding: bytes, as: UTF8.self))
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            i += 1
            guard ch == "\u{1b}" else {
                put(ch)
                continue
            }
            precondition(chars[i] == "[")
            i += 1
            var params = ""
            while !(chars[i].asciiValue.map { (0x40...0x7E).contains($0) } ?? false) {
                params.append(chars[i])
                i += 1
            }
            let final = chars[i]
            i += 1
            csi(params, final)
        }
    }

    private mutating func csi(_ params: String, _ final: Character) {
        let nums = params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        switch (params, final) {
        case ("?2026", "h"), ("?2026", "l"): break
        case ("?25", "h"): visible = true
        case ("?25", "l"): visible = false
        case ("2", "J"): cells = Array(repeating: Slot(text: " ", style: pen), count: cols * rows)
        case ("", "r"), (_, "r"):
            // DECSTBM sets the margins (none: the whole screen) and homes the cursor.
            marginTop = params.isEmpty ? 0 : nums[0] - 1
            marginBottom = params.isEmpty ? rows - 1 : nums[1] - 1
            precondition(marginTop < marginBottom && marginBottom < rows, "bad margins \(params)")
            row = 0
            col = 0
            pendingWrap = false
        case (_, "S"):
            // SU: the rows inside the margins move up; blank rows in the pen's background enter.
            let n = max(1, nums[0])
            for r in marginTop...marginBottom {
                for c in 0..<cols {
                    cells[r * cols + c] = r + n <= marginBottom ? cells[(r + n) * cols + c] : Slot(text: " ", style: pen)
                }
            }
        case (_, "H"):
            row = nums[0] - 1
            col = nums[1] - 1
            pendingWrap = false
        case (_, "m"):
            var s = Style.plain
            var k = 0
            while k < nums.count {
                switch nums[k] {
                case 0: s = .plain
                case 1: s.bold = true
                case 2: s.dim = true
                case 7: s.reverse = true
                case 38, 48:
                    precondition(nums[k + 1] == 2)
                    let c = Color.rgb(UInt8(nums[k + 2]), UInt8(nums[k + 3]), UInt8(nums[k + 4]))
                    if nums[k] == 38 { s.foreground = c } else { s.background = c }
                    k += 4
                default: preconditionFailure("SGR \(params)")
                }
                k += 1
            }
            pen = s
        default: preconditionFailure("unexpected CSI \(params)\(final)")
        }
    }

    private mutating func put(_ ch: Character) {
        let w = TerminalWidth.of(ch)
        precondition(w > 0 && col + w <= cols && !pendingWrap, "write past the edge")
        let i = row * cols + col
        for k in i..<(i + w) {
            if cells[k].text == "", k > row * cols { cells[k - 1].text = " " }
        }
        let last = i + w - 1
        if last + 1 < (row + 1) * cols, cells[last + 1].text == "" { cells[last + 1].text = " " }
        cells[i] = Slot(text: String(ch), style: pen)
        if w == 2 { cells[i + 1] = Slot(text: "", style: pen) }
        col += w
        if col >= cols {
            col = cols - 1
            pendingWrap = true  // where the next glyph goes differs between terminals
        }
    }
}
