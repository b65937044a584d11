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
    /// The members pane's width, its border included, and the narrowest screen that has room
    /// for it beside the history.
    public static let membersPaneCols = 20
    public static let membersMinCols = 70

    /// The history pane has focus first, as in the original.
    public internal(set) var focus: Pane = .history
    public internal(set) var input = InputBuffer()
    public internal(set) var history: History
    /// History lines hidden below the view: 0 follows the newest line.
    public internal(set) var scrollOffset = 0
    /// Lines that arrived while scrolled up, for the "new lines below" marker.
    public internal(set) var unseen = 0
    /// Set by a scroll up that brings the oldest line into view, within one key.
    private var reachedOldest = false
    public private(set) var size: TerminalSize
    /// Timestamps on or off, and the time zone they are shown in.
    public internal(set) var format = LineFormat()
    /// Names Tab completes: the room's members, set by the app before a Tab is handled.
    public internal(set) var completionNames: [String] = []
    /// The completion that Tab again would cycle, while Tab is pressed in a row.
    private var completion: Completion?
    /// The members pane beside the history (Ctrl-N), when the screen is wide enough.
    public internal(set) var membersWanted = true
    /// F1: the keys drawn over the history.
    public internal(set) var showsHelp = false
    /// The terminal's focus, and what arrived while it was away.
    public internal(set) var away = Away()
    /// What was sent before, for Up, Down and Ctrl-R in the input.
    public internal(set) var recall = InputRecall()
    /// A search result in context, shown in the history pane in place of the live chat (which
    /// goes on meanwhile) until Esc; scrolling moves through the context.
    public private(set) var context: ShownContext?

    public struct ShownContext: Equatable, Sendable {
        public let view: ContextView
        let history: History
        var scrollOffset = 0
    }
    /// The local day of the newest dated line: a line on another day gets a day line first.
    var newestDay: Int64?
    /// The rooms' buffers besides the one shown (see `UIState+Rooms.swift`).
    public internal(set) var rooms = RoomBuffers()

    public init(size: TerminalSize, historyCapacity: Int = Limits.historyLines) {
        self.size = size
        history = History(capacity: historyCapacity)
    }

    /// Rows of history a page scroll moves: the history pane less its border.
    var pageRows: Int { max(1, size.rows - Self.inputPaneRows - 2) }

    public mutating func append(_ line: DisplayLine) {
        if let dayLine = format.dayLine(before: line, newestDay: &newestDay) { add(dayLine) }
        add(line)
        let sequenceNumber = history.sequenceNumber(of: history.count - 1)
        away.arrived(line, as: sequenceNumber)
        // Scrolled up to read: where the new lines begin is marked too, as when away.
        if unseen == 1 { away.markAbove(sequenceNumber) }
        if format.readMarker != away.markerAt { format.readMarker = away.markerAt }
    }

    private mutating func add(_ line: DisplayLine) {
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
        Self.prepend(older, to: &history, newestDay: &newestDay, format: format)
    }

    /// `prepend` for any buffer (the shown one, or another room's).
    static func prepend(_ older: [DisplayLine], to history: inout History, newestDay: inout Int64?, format: LineFormat) {
        // Day lines where the day changes within the page, and between it and the oldest line.
        var lines: [DisplayLine] = []
        var day: Int64?
        let kept = history
        let firstKept = (0..<kept.count).lazy.compactMap { format.day(of: kept[$0]) }.first
        for line in older {
            if let d = format.day(of: line) {
                if let day, day != d { lines.append(format.dayLine(d)) }
                day = d
            }
            lines.append(line)
        }
        if let day, let firstKept, day != firstKept { lines.append(format.dayLine(firstKept)) }
        if newestDay == nil { newestDay = day }
        history.prepend(lines)
    }

    /// Empties the history (a client that rejoined after missing more than it is sent shows the
    /// newest and loads the rest by scrolling, in order); the input stays as it is.
    public mutating func clearHistory() {
        history = History(capacity: history.capacity)
        scrollOffset = 0
        unseen = 0
    }

    /// Shows a search result in context, scrolled so that the chosen entry is mid-pane.
    public mutating func showContext(_ view: ContextView) {
        var lines = History(capacity: max(1, view.lines.count))
        for line in view.lines { lines.append(line) }
        context = ShownContext(view: view, history: lines)
        scroll(by: max(0, view.lines.count - 1 - view.chosen - scrolledRows / 2))
    }

    /// The state as the history pane draws it: the context's lines while one is shown.
    var shownInHistoryPane: UIState {
        guard let context else { return self }
        var shown = self
        shown.context = nil
        shown.history = context.history
        shown.scrollOffset = context.scrollOffset
        shown.unseen = 0
        shown.format.readMarker = nil
        return shown
    }

    public mutating func resize(_ newSize: TerminalSize) {
        size = TerminalSize(cols: max(0, newSize.cols), rows: max(0, newSize.rows))
    }

    mutating func scroll(by delta: Int) {
        if context != nil {
            // The context scrolls, not the live chat, and never asks for older pages.
            var shown = shownInHistoryPane
            shown.scroll(by: delta)
            context!.scrollOffset = shown.scrollOffset
            return
        }
        // Scrolling up stops once the oldest line is at the top of the pane. Where that is
        // takes wrapping the oldest lines: not asked by a scroll that ends at the bottom anyway.
        if scrollOffset + delta <= 0 {
            scrollOffset = 0
        } else {
            let top = oldestAtTopOffset
            scrollOffset = max(0, min(scrollOffset + delta, top))
            if delta > 0, scrollOffset == top { reachedOldest = true }
        }
        if scrollOffset == 0 { unseen = 0 }
        unseen = min(unseen, scrollOffset)
    }

    /// The members pane is drawn: wanted, and the screen is wide enough.
    public var showsMembers: Bool { membersWanted && size.cols >= Self.membersMinCols }

    /// Columns of the history pane, border included: the screen less the members pane.
    var historyCols: Int { size.cols - (showsMembers ? Self.membersPaneCols : 0) }

    /// The history pane's text area while scrolled up: the pane less its border and the
    /// "more below" row.
    var scrolledRows: Int { max(1, pageRows - 1) }

    /// The scroll offset that puts the oldest line at the top of the pane: the least offset at
    /// which the lines from the oldest down to the newest in view fill it (0 when the whole
    /// history fits). It wraps only the oldest lines, at most a pane's worth.
    var oldestAtTopOffset: Int {
        let height = scrolledRows, width = max(1, historyCols - 2)
        var rows = 0
        for i in 0..<history.count {
            rows += ChatView.rows(at: i, of: history, width: width, format: format).count
            if rows >= height { return history.count - 1 - i }
        }
        return 0
    }

    /// The view is as far up as it goes: the oldest line at the top of the pane.
    var showsOldestAtTop: Bool { scrollOffset > 0 && scrollOffset >= oldestAtTopOffset }

    /// The text last submitted was refused (too long): it goes back into the input, to be trimmed.
    public mutating func giveBack(_ text: String) {
        input = InputBuffer(text)
        focus = .input
    }

    public mutating func handle(_ key: Key) -> Action? {
        reachedOldest = false
        let action = dispatch(key)
        return action ?? (reachedOldest ? .olderWanted : nil)
    }

    private mutating func dispatch(_ key: Key) -> Action? {
        let cycling = completion
        completion = nil
        switch key {
        case .focusIn: away.focus(true)
        case .focusOut: away.focus(false)
        case .f1: showsHelp.toggle()
        case .escape where showsHelp: showsHelp = false
        case .escape where context != nil && recall.query == nil: context = nil
        case .ctrl("n"): membersWanted.toggle()
        case .tab where focus == .input && recall.query == nil:
            completion = cycling ?? Completion.start(in: input, names: completionNames)
            if completion == nil {
                focus = .history
            } else {
                completion!.next(in: &input)
            }
        case .tab, .backTab:
            focus = focus == .history ? .input : .history
        case .ctrl("t"):
            format.timestamps.toggle()
        case .wheelUp: scroll(by: 3)
        case .wheelDown: scroll(by: -3)
        case .pageUp: scroll(by: pageRows)
        case .pageDown: scroll(by: -pageRows)
        case .ctrl("c") where input.isEmpty, .ctrl("d") where input.isEmpty:
            return .quit
        default:
            if focus == .input, recall.query != nil { return searchKey(key) }
            return focus == .history ? historyKey(key) : inputKey(key)
        }
        return nil
    }

    private mutating func historyKey(_ key: Key) -> Action? {
        switch key {
        case .up: scroll(by: 1)
        case .down: scroll(by: -1)
        case .home: scroll(by: shownInHistoryPane.history.count)
        case .end: scroll(by: -shownInHistoryPane.history.count)
        case .text, .paste:
            // Typing while the history has focus is plainly meant for the input.
            focus = .input
            return inputKey(key)
        default: break
        }
        return nil
    }

    /// Ctrl-R searching: typing narrows, Ctrl-R finds an older match, Return or an arrow keeps
    /// what was found to edit, Escape or Ctrl-G gives the draft back.
    private mutating func searchKey(_ key: Key) -> Action? {
        let query = recall.query ?? ""
        switch key {
        case .text(let s), .paste(let s):
            if let found = recall.search(query + s, again: false) { input = InputBuffer(found) }
        case .backspace, .ctrl("h"):
            if let found = recall.search(String(query.dropLast()), again: false) { input = InputBuffer(found) }
        case .ctrl("r"):
            if let found = recall.search(query, again: true) { input = InputBuffer(found) }
        case .escape, .ctrl("g"):
            if let draft = recall.endSearch(cancelled: true) { input = InputBuffer(draft) }
        case .enter, .left, .right, .home, .end, .up, .down:
            _ = recall.endSearch(cancelled: false)
        default: break
        }
        return nil
    }

    private mutating func inputKey(_ key: Key) -> Action? {
        switch key {
        case .text(let s), .paste(let s): input.insert(s)
        case .enter:
            // A paste that ended with a newline leaves the cursor on an empty last line; that
            // line is not part of the message.
            var text = input.text
            while text.last?.isNewline == true { text.removeLast() }
            input.clear()
            // The original submits even an empty input; an empty line says nothing.
            if TextRules.isBlank(text) { return nil }
            recall.add(text)
            return .submit(text)
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
        case .up:
            // On the input's first line: the message before (with nothing to recall, the history scrolls).
            if input.lineUp() { break }
            if let earlier = recall.older(than: input.text) { input = InputBuffer(earlier) } else { scroll(by: 1) }
        case .down:
            if input.lineDown() { break }
            if let later = recall.newer() { input = InputBuffer(later) } else { scroll(by: -1) }
        case .ctrl("r"): recall.startSearch(from: input.text)
        default: break
        }
        return nil
    }
}
