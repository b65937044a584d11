import Foundation
import Testing
@testable import ChatState

/// The width probe: the terminal's answers parsed by the key decoder however they are cut and
/// whatever keys they are mixed with, turned into a `WidthTable`, and the screen drawn with it.
@Suite struct WidthProbeTests {
    /// What tmux 3.3a answers to `WidthProbe.request` (measured here): nothing to DECRQM 2027,
    /// then one CPR per sample (👍🏽 4 columns, 👨‍👩‍👧 2, ❤️ 1, 🇫🇷 2, 漢 2, é 1), then DA1.
    static let tmux33a = "\u{1b}[1;5R\u{1b}[1;3R\u{1b}[1;2R\u{1b}[1;3R\u{1b}[1;3R\u{1b}[1;2R\u{1b}[?1;2c"

    static var tmuxTable: WidthTable {
        var t = WidthTable()
        t.emojiModifier = .pieces
        t.vs16 = .pieces
        return t
    }

    private static func decode(_ bytes: [UInt8], cut: (Int) -> Int) -> [Key] {
        var d = KeyDecoder()
        var keys: [Key] = []
        var i = 0
        while i < bytes.count {
            let n = max(1, cut(i))
            keys += d.feed(bytes[i..<min(bytes.count, i + n)])
            i += n
        }
        return keys
    }

    @Test func theDecoderFindsEveryReplyByteByByteChunkedAndAmongTypedKeys() {
        let replies: [Key] = [
            .report(.cursor(row: 1, col: 5)), .report(.cursor(row: 1, col: 3)), .report(.cursor(row: 1, col: 2)),
            .report(.cursor(row: 1, col: 3)), .report(.cursor(row: 1, col: 3)), .report(.cursor(row: 1, col: 2)),
            .report(.deviceAttributes),
        ]
        let bytes = Array(Self.tmux33a.utf8)
        #expect(Self.decode(bytes) { _ in bytes.count } == replies)
        #expect(Self.decode(bytes) { _ in 1 } == replies)
        for chunk in 2...7 { #expect(Self.decode(bytes) { _ in chunk } == replies) }

        // Typed keys before, between and after the replies, the replies cut byte by byte.
        let mixed = Array("a\u{1b}[?2027;0$yb\u{1b}[1;5R\u{1b}[Dc\u{1b}[?62;22c".utf8)
        let keys: [Key] = [.text("a"), .report(.mode(2027, value: 0)), .text("b"), .report(.cursor(row: 1, col: 5)),
                           .left, .text("c"), .report(.deviceAttributes)]
        #expect(Self.decode(mixed) { _ in 1 } == keys)
        #expect(Self.decode(mixed) { _ in mixed.count } == keys)
    }

    @Test func malformedRepliesAreSwallowedNotTyped() {
        // A CPR with one field, a DECRPM without `$`, DA2 (`>`): no key, no text.
        let bytes = Array("\u{1b}[5R\u{1b}[?2027;1y\u{1b}[>1;10;0cx".utf8)
        #expect(Self.decode(bytes) { _ in 1 } == [.text("x")])
    }

    @Test func reportsRoundTripThroughTheEventLog() throws {
        for key in [Key.report(.cursor(row: 3, col: 9)), .report(.mode(2027, value: 2)), .report(.deviceAttributes)] {
            let data = try JSONEncoder().encode(key)
            #expect(try JSONDecoder().decode(Key.self, from: data) == key)
        }
        let event = Event.terminalWidths(Self.tmuxTable)
        #expect(try JSONDecoder().decode(Event.self, from: JSONEncoder().encode(event)) == event)
    }

    @Test func tmuxAnswersGiveItsTable() {
        var probe = WidthProbe()
        var d = KeyDecoder()
        for case .report(let r) in d.feed(Array(Self.tmux33a.utf8)) { probe.take(r) }
        #expect(probe.result == WidthProbe.Result(widths: Self.tmuxTable, setsClustering: false))
    }

    @Test func allCursorReportsFinishWithoutWaitingForDA1() {
        var probe = WidthProbe()
        for col in [3, 3, 3, 3, 3, 2] {
            #expect(!probe.isDone)
            probe.take(.cursor(row: 1, col: col))
        }
        #expect(probe.result?.widths == .standard)
        probe.take(.cursor(row: 1, col: 9))  // late: changes nothing
        #expect(probe.result?.widths == .standard)
    }

    @Test func aTerminalThatClustersNeedsNoMeasuring() {
        for (value, sets) in [(1, false), (3, false), (2, true)] {
            var probe = WidthProbe()
            probe.take(.mode(2027, value: value))
            #expect(probe.result == WidthProbe.Result(widths: .standard, setsClustering: sets))
            probe.take(.cursor(row: 1, col: 5))  // the CPRs asked anyway change nothing
            #expect(probe.result?.widths == .standard)
        }
        var unknown = WidthProbe()
        unknown.take(.mode(2027, value: 0))
        unknown.take(.mode(1004, value: 1))
        #expect(!unknown.isDone)
    }

    @Test func aSilentTerminalGetsTheStandardTableAtTheDeadline() {
        var probe = WidthProbe()
        probe.take(.deviceAttributes)  // answers DA1 but not CPR
        #expect(probe.result?.widths == .standard)

        var silent = WidthProbe()
        silent.expire()
        #expect(silent.result?.widths == .standard)

        var partial = WidthProbe()
        partial.take(.cursor(row: 1, col: 5))  // only 👍🏽 answered before the deadline
        partial.expire()
        var expected = WidthTable()
        expected.emojiModifier = .pieces
        #expect(partial.result?.widths == expected)
    }

    @Test func eachMeasurementBecomesTheRuleThatMatchesIt() {
        let thumbs: Character = "\u{1F44D}\u{1F3FD}", family: Character = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        #expect(WidthTable.rule(for: thumbs, columns: 2) == nil)
        #expect(WidthTable.rule(for: thumbs, columns: 4) == .pieces)
        #expect(WidthTable.rule(for: thumbs, columns: 1) == .cell(width: 1))
        #expect(WidthTable.rule(for: thumbs, columns: 3) == .marker)
        #expect(WidthTable.rule(for: family, columns: 6) == .pieces)
        #expect(WidthTable.rule(for: "\u{2764}\u{FE0F}", columns: 1) == .pieces)
        #expect(WidthTable.rule(for: "\u{6F22}", columns: 1) == .cell(width: 1))
        #expect(WidthTable.rule(for: "e\u{0301}", columns: 2) == .cell(width: 2))
        #expect(WidthTable.rule(for: "e\u{0301}", columns: 0) == .marker)
        for sample in WidthProbe.samples { #expect(WidthTable.kind(of: sample.text) == sample.kind) }
        #expect(WidthTable.kind(of: "a") == nil)
        #expect(WidthTable.kind(of: "\u{1F600}") == nil)  // plain wide emoji: every terminal agrees
    }

    @Test func cellsFollowTheTable() {
        let text = "A\u{1F44D}\u{1F3FD}B \u{2764}\u{FE0F}x"
        let standard = ScreenText.cells(text)
        #expect(standard.map(\.width) == [1, 2, 0, 1, 1, 2, 0, 1])
        let tmux = ScreenText.cells(text, widths: Self.tmuxTable)
        #expect(tmux.map(\.width) == [1, 2, 0, 2, 0, 1, 1, 1, 1])
        #expect(tmux.map(\.grapheme) == ["A", "\u{1F44D}", "", "\u{1F3FD}", "", "B", " ", "\u{2764}\u{FE0F}", "x"])
        // The same bytes reach the terminal, so it draws what the table says.
        #expect(tmux.map(\.grapheme).joined() == text)

        var marked = WidthTable()
        marked.flag = .marker
        marked.wide = .cell(width: 1)
        let cells = ScreenText.cells("\u{1F1EB}\u{1F1F7}\u{6F22}", widths: marked)
        #expect(cells.map(\.grapheme) == ["?", "\u{6F22}"])
        #expect(cells.map(\.width) == [1, 1])
        #expect(isSafe(cells))
    }

    /// The case on the screen model: `A👍🏽B` typed, then the emoji deleted. With tmux's
    /// table the input row pads to the border with the columns tmux really used.
    @Test func theInputAndHistoryAreDrawnWithTheTerminalsWidths() {
        var app = ChatApp(config: AppConfig(role: .client, host: "127.0.0.1", port: 8080, username: "alice",
                                            color: "ff8800", terminal: TerminalSize(cols: 40, rows: 12)))
        _ = app.reduce(.key(.tab))
        _ = app.reduce(.key(.text("A\u{1F44D}\u{1F3FD}B")))
        var cache = WrapCache()
        let before = app.frame(cache: &cache)!
        _ = app.reduce(.terminalWidths(Self.tmuxTable))
        let after = app.frame(cache: &cache)!
        // The frame's row 8 (the input's first): `│` at 0, the text, `│` at 39.
        func inputRow(_ f: Frame) -> [Cell] { Array(f.cells[(8 * 40)..<(9 * 40)]) }
        #expect(inputRow(before).map(\.width).prefix(6) == [1, 1, 2, 0, 1, 1])
        #expect(inputRow(after).map(\.width).prefix(8) == [1, 1, 2, 0, 2, 0, 1, 1])
        #expect(after.cursor == Frame.Position(row: 8, col: 7))
        #expect(before.cursor == Frame.Position(row: 8, col: 5))

        // A history line drawn before the table changed is drawn again with it, not copied
        // from the cache.
        _ = app.reduce(.terminalWidths(.standard))
        _ = app.reduce(.key(.enter))
        _ = app.frame(cache: &cache)
        _ = app.reduce(.terminalWidths(Self.tmuxTable))
        let redrawn = app.frame(cache: &cache)!
        var fresh = WrapCache()
        #expect(redrawn == app.frame(cache: &fresh)!)
        #expect(redrawn.lines().contains { $0.contains("A\u{1F44D}\u{1F3FD}B") })
    }
}
