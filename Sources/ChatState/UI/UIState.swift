/// Everything the terminal UI shows that is not room state: which pane has focus, the input
/// being typed, the history and how far it is scrolled, and the terminal's size.
public struct UIState: Equatable, Sendable {
    public enum Pane: Equatable, Sendable {
        case history
        case input
    }

    /// What a key asks of the session.
    public enum Action: Equatable, Sendable {
        case submit(String)
        case quit
        /// The user scrolled up to the oldest line kept: the session may fetch the page before.
        case olderWanted
    }

    /// Rows of the input pane, its border included, as in the original.
    public static let inputPaneRows = 5

    /// The history pane has focus first, as in the original.
    public internal(set) var focus: Pane = .history
    public internal(set) var input = InputBuffer()
    public private(set) var history: History
    /// History lines hidden below the view: 0 follows the newest line.
    public private(set) var scrollOffset = 0
    /// Lines that arrived while scrolled up, for the "new lines below" marker.
    public private(set) var unseen = 0
    /// Set by a scroll up that brings the oldest line into view, within one key.
    private var reachedOldest = false
    public private(set) var size: TerminalSize

    public init(size: TerminalSize, historyCapacity: Int = Limits.historyLines) {
        self.size = size
        history = History(capacity: historyCapacity)
    }

    /// Rows of history a page scroll moves: the history pane less its border.
    var pageRows: Int { max(1, size.rows - Self.inputPaneRows - 2) }

    public mutating func append(_ line: DisplayLine) {
        let dropped = history.append(line)
        if scrollOffset > 0 {
            // Keep the lines the user is reading in view; count what arrives below them.
            scrollOffset = min(scrollOffset + 1, history.count - 1)
            unseen += 1
        } else if dropped {
            scrollOffset = 0
        }
    }

    /// Lines older than every line kept (a page of the room log), put above them while there
    /// is room; the view stays on the lines the user is reading.
    public mutating func prepend(_ older: [DisplayLine]) {
        history.prepend(older)
    }

    /// Empties the history (a client that rejoined after missing more than it is sent shows the
    /// newest and loads the rest by scrolling, in order); the input stays as it is.
    public mutating func clearHistory() {
        history = History(capacity: history.capacity)
        scrollOffset = 0
        unseen = 0
    }

    public mutating func resize(_ newSize: TerminalSize) {
        size = TerminalSize(cols: max(0, newSize.cols), rows: max(0, newSize.rows))
    }

    mutating func scroll(by delta: Int) {
        scrollOffset = max(0, min(scrollOffset + delta, max(0, history.count - 1)))
        // Lines wrap to one row or more, so a page of rows above the bottom holds at most this
        // many lines: the oldest is in view (or nearly) once the offset and a page reach it.
        if delta > 0, scrollOffset + pageRows >= history.count { reachedOldest = true }
        if scrollOffset == 0 { unseen = 0 }
        unseen = min(unseen, scrollOffset)
    }

    public mutating func handle(_ key: Key) -> Action? {
        reachedOldest = false
        let action = dispatch(key)
        return action ?? (reachedOldest ? .olderWanted : nil)
    }

    private mutating func dispatch(_ key: Key) -> Action? {
        switch key {
        case .tab, .backTab:
            focus = focus == .history ? .input : .history
        case .wheelUp: scroll(by: 3)
        case .wheelDown: scroll(by: -3)
        case .pageUp: scroll(by: pageRows)
        case .pageDown: scroll(by: -pageRows)
        case .ctrl("c") where input.isEmpty, .ctrl("d") where input.isEmpty:
            return .quit
        default:
            return focus == .history ? historyKey(key) : inputKey(key)
        }
        return nil
    }

    private mutating func historyKey(_ key: Key) -> Action? {
        switch key {
        case .up: scroll(by: 1)
        case .down: scroll(by: -1)
        case .home: scroll(by: history.count)
        case .end: scroll(by: -history.count)
        case .text, .paste:
            // Typing while the history has focus is plainly meant for the input.
            focus = .input
            return inputKey(key)
        default: break
        }
        return nil
    }

    private mutating func inputKey(_ key: Key) -> Action? {
        switch key {
        case .text(let s), .paste(let s): input.insert(s)
        case .enter:
            let text = input.text
            input.clear()
            // The original submits even an empty input; an empty line says nothing.
            return TextRules.isBlank(text) ? nil : .submit(text)
        case .backspace, .ctrl("h"): input.backspace()
        case .delete, .ctrl("d"): input.deleteForward()
        case .left, .ctrl("b"): input.left()
        case .right, .ctrl("f"): input.right()
        case .home, .ctrl("a"): input.home()
        case .end, .ctrl("e"): input.end()
        case .ctrl("u"): input.killToLineStart()
        case .ctrl("k"): input.killToLineEnd()
        case .ctrl("w"): input.killWordBack()
        case .ctrl("c"): input.clear()
        case .up: if !input.lineUp() { scroll(by: 1) }
        case .down: if !input.lineDown() { scroll(by: -1) }
        default: break
        }
        return nil
    }
}
