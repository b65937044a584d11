import Testing
@testable import ChatState

@Suite struct ChatViewTests {
    func ui(_ cols: Int = 40, _ rows: Int = 12, _ lines: [DisplayLine] = []) -> UIState {
        var u = UIState(size: TerminalSize(cols: cols, rows: rows))
        for l in lines { u.append(l) }
        return u
    }

    func press(_ u: inout UIState, _ keys: Key...) { for k in keys { _ = u.handle(k) } }

    let orange = RGB(r: 255, g: 136, b: 0)

    @Test func emptyScreenWithPlaceholders() {
        var u = ui(40, 10)
        #expect(ChatView.render(u, title: "host @ 0.0.0.0:8080").lines() == [
            "┌─ host @ 0.0.0.0:8080 ────────────────┐",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "└──────────────────────────────────────┘",
            "",
            " This is where you type your message.",
            " Press `tab` to rotate focus.",
            "",
            "",
        ])
        #expect(ChatView.render(u).cursor == nil)
        press(&u, .tab)
        let f = ChatView.render(u)
        #expect(f.lines() == [
            "", "", "", "", "",
            "┌──────────────────────────────────────┐",
            "│Begin typing your message... Press    │",
            "│`return` to send.                     │",
            "│                                      │",
            "└──────────────────────────────────────┘",
        ])
        #expect(f.cursor == Frame.Position(row: 6, col: 1))
    }

    @Test func chatLinesWrapUnderTheTextInTheSendersColour() {
        let u = ui(40, 12, [.system("alice joined the chat"),
                            .chat("alice", orange, "hi there, this is a long line that must wrap under the text"),
                            .chat("a-very-long-name", orange, "x")])
        let f = ChatView.render(u)
        #expect(f.lines().prefix(7) == [
            "┌──────────────────────────────────────┐",
            "│alice joined the chat                 │",
            "│     alice:  hi there, this is a long │",
            "│             line that must wrap under│",
            "│             the text                 │",
            "│a-very-long-name:  x                  │",
            "└──────────────────────────────────────┘",
        ])
        let chatStyle = Style(foreground: .rgb(255, 136, 0), background: .rgb(255, 255, 255))
        // The whole message is one block: padding, name, text and the indent of wrapped rows.
        #expect(f[2, 1].style == chatStyle && f[2, 6].style == chatStyle && f[3, 1].style == chatStyle)
        #expect(f[1, 1].style == .plain)
    }

    @Test func wideEmojiAndCombiningCharacters() {
        let u = ui(24, 10, [.chat("中文名字", orange, "宽字符宽字符😀 e\u{301}👨‍👩‍👧🇫🇷!")])
        let f = ChatView.render(u)
        #expect(f.lines().prefix(4) == [
            "┌──────────────────────┐",
            "│  中文名字:  宽字符宽 │",
            "│             字符😀   │",
            "│             é👨‍👩‍👧🇫🇷!   │",
        ])
        // A wide character that does not fit is carried to the next row, never split.
        #expect(f[1, 21].isContinuation && f[1, 22].grapheme == " " && f[2, 14].grapheme == "字")
    }

    @Test func hostileTextIsDrawnVisibly() {
        let u = ui(60, 9, [.chat("\u{1b}[31mmallory", orange, "\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\u{200b}")])
        let f = ChatView.render(u)
        // One long "word": broken where the row is full, a marker never split.
        #expect(f.lines()[1] == "│^[[31mmallory:  ^[]52;c;SGVsbG8=^G^[[2J<U+009B>31m<U+202E>│")
        #expect(f.lines()[2] == "│                evil<U+200B>                              │")
        for cell in f.cells {
            #expect(cell.grapheme.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) })
        }
    }

    @Test func scrolledUpShowsHowManyNewLinesAreBelow() {
        var u = ui(40, 10, (1...20).map { .system("line \($0)") })
        press(&u, .pageUp)
        #expect(ChatView.render(u).lines().prefix(5) == [
            "┌──────────────────────────────────────┐",
            "│line 16                               │",
            "│line 17                               │",
            "│ more below — End to jump             │",
            "└──────────────────────────────────────┘",
        ])
        u.append(.system("line 21"))
        #expect(ChatView.render(u).lines()[3] == "│ 1 new line below — End to jump       │")
        press(&u, .end)
        // Back at the newest: where the new lines began is marked (see Away.markAbove).
        #expect(ChatView.render(u).lines()[1...3] == ["│line 20                               │", "│── new since you were here ──         │", "│line 21                               │"])
    }

    @Test func multiLineInputKeepsTheCursorInView() {
        var u = ui(20, 10)
        press(&u, .tab, .paste("one\ntwo\nthree\nfour"))
        var f = ChatView.render(u)
        #expect(f.lines()[6...8] == ["│two               │", "│three             │", "│four              │"])
        #expect(f.cursor == Frame.Position(row: 8, col: 5))
        press(&u, .up, .up, .up)
        f = ChatView.render(u)
        #expect(f.lines()[6...8] == ["│one               │", "│two               │", "│three             │"])
        // Up keeps the column where the line is long enough: "four"|, "thre|e", "two|", "one|".
        #expect(f.cursor == Frame.Position(row: 6, col: 4))
        // A line longer than the pane wraps by grapheme; at the edge the cursor moves down.
        press(&u, .ctrl("u"), .ctrl("k"), .text(String(repeating: "ab", count: 9)))
        f = ChatView.render(u)
        // 18 characters fill the 18 columns; the cursor after them starts the next row.
        #expect(f.lines()[6...8] == ["│ababababababababab│", "│                  │", "│two               │"])
        #expect(f.cursor == Frame.Position(row: 7, col: 1))
    }

    @Test func tooSmallAndResized() {
        var u = ui(40, 12, [.system("hello")])
        #expect(ChatView.render(u).lines()[1] == "│hello                                 │")
        u.resize(TerminalSize(cols: 19, rows: 12))
        #expect(ChatView.render(u).lines().prefix(3) == ["Terminal too small:", "19x12, need 20x8", ""])
        u.resize(TerminalSize(cols: 0, rows: 0))
        #expect(ChatView.render(u).cells.isEmpty)
        u.resize(TerminalSize(cols: 1, rows: 1))
        #expect(ChatView.render(u).lines() == ["T"])
        u.resize(TerminalSize(cols: 20, rows: 8))
        #expect(ChatView.render(u).lines()[1] == "│hello             │")
    }

    /// The renderer's cache is derived state: whatever happened between two frames (lines
    /// arriving and dropping off, scrolls, resizes, typing), a frame drawn with it equals one
    /// drawn afresh from the state alone.
    @Test func framesDrawnFromTheCacheEqualFreshOnes() {
        var u = UIState(size: TerminalSize(cols: 30, rows: 12), historyCapacity: 20)
        var cache = WrapCache()
        let steps: [(inout UIState) -> Void] = [
            { $0.append(.chat("alice", RGB(r: 1, g: 2, b: 3), "a line long enough to wrap over two rows or three")) },
            { $0.append(.system("short")) },
            { _ = $0.handle(.pageUp) },
            { _ = $0.handle(.tab); _ = $0.handle(.text("typing")) },
            { $0.resize(TerminalSize(cols: 22, rows: 9)) },
            { _ = $0.handle(.wheelDown) },
            { $0.append(.notice("中文 and 😀 wrapped at odd widths")) },
            { $0.resize(TerminalSize(cols: 41, rows: 14)) },
        ]
        for n in 0..<200 {
            steps[(n * 7 + n / 3) % steps.count](&u)
            #expect(ChatView.render(u, title: "t", cache: &cache) == ChatView.render(u, title: "t"), "step \(n)")
        }
    }
}
