/// The history lines in view, already wrapped into the rows `ChatView` draws, kept in
/// `UIState` so that a frame copies rows instead of shaping text: a key typed wraps nothing,
/// a line arriving wraps only itself. `UIState` updates it after every change that can alter
/// the history pane (a line, a scroll, a resize); `ChatView` wraps any line it lacks, so a
/// missing entry costs time but never changes the screen.
///
/// Lines are known by `History.sequenceNumber`, which stays with a line as older ones drop.
/// Being derived from the rest of the state, it takes no part in comparing states.
struct WrappedHistory: Equatable, Sendable {
    private var width = 0
    /// The sequence number of `lines[0]`.
    private var first = 0
    private var lines: [[[Cell]]] = []

    /// The lines that fill `height` rows upwards from history line `last`, oldest first, each
    /// as its rows at `width` columns (the oldest may have more rows than fit).
    func linesInView(of history: History, last: Int, height: Int, width: Int) -> [[[Cell]]] {
        var shown: [[[Cell]]] = []
        var rows = 0
        var index = last
        while index >= 0, rows < height {
            let line = cached(history.sequenceNumber(of: index), width: width)
                ?? ChatView.rows(of: history[index], width: width)
            shown.append(line)
            rows += line.count
            index -= 1
        }
        return shown.reversed()
    }

    /// Keeps exactly the lines in view, reusing the rows already wrapped at this width.
    mutating func update(for history: History, last: Int, height: Int, width: Int) {
        let shown = linesInView(of: history, last: last, height: height, width: width)
        self.width = width
        first = history.sequenceNumber(of: last + 1 - shown.count)
        lines = shown
    }

    private func cached(_ sequenceNumber: Int, width: Int) -> [[Cell]]? {
        guard width == self.width, sequenceNumber >= first, sequenceNumber < first + lines.count else { return nil }
        return lines[sequenceNumber - first]
    }

    static func == (_: WrappedHistory, _: WrappedHistory) -> Bool { true }
}
