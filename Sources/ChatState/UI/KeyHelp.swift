/// The keys, in one place: drawn over the history by F1 and listed by `pychat --help`.
public enum KeyHelp {
    public struct Entry: Sendable {
        public let keys: String
        public let what: String

        init(_ keys: String, _ what: String) {
            self.keys = keys
            self.what = what
        }
    }

    public static let entries: [Entry] = [
        Entry("Tab, Shift-Tab", "move focus between the history and the input"),
        Entry("Tab after a partial word", "complete a member's name (or a /command); Tab again: the next"),
        Entry("Return", "send (a line starting with / is a command)"),
        Entry("Up, Down", "history: scroll; input: earlier and later messages sent"),
        Entry("Ctrl-R", "search the messages sent (Ctrl-R again: older; Esc: cancel)"),
        Entry("PageUp, PageDown, wheel", "scroll the history (Home, End in the history: oldest, newest)"),
        Entry("Left, Right, Home, End", "move in the input (Ctrl-A, Ctrl-E: the line's ends)"),
        Entry("Ctrl-U, Ctrl-K, Ctrl-W", "delete to the line's start, to its end, the word before"),
        Entry("Ctrl-T, /timestamps", "show or hide the time of each line"),
        Entry("Ctrl-N", "show or hide the members pane (hidden below \(UIState.membersMinCols) columns)"),
        Entry("Alt-1..9, Alt-Left/Right", "show room N of the status line, the previous or next room"),
        Entry("F1", "show or hide these keys (Esc closes)"),
        Entry("Ctrl-C, Ctrl-D", "on an empty input: quit (Ctrl-C clears a non-empty one)"),
    ]

    /// The keys as aligned text lines, for `--help`.
    public static var text: String {
        let width = entries.map(\.keys.count).max() ?? 0
        return entries.map { "  " + $0.keys + String(repeating: " ", count: width - $0.keys.count + 2) + $0.what }
            .joined(separator: "\n")
    }
}
