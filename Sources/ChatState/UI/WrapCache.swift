/// The renderer's memory of the history lines it last drew, already wrapped into rows, so that
/// the next frame copies rows instead of shaping text: a key typed wraps nothing, a line arriving
/// wraps only itself. It is derived from `UIState` and lives beside the renderer (the terminal
/// front end keeps one across frames), never in the state: a missing or stale entry costs time
/// but never changes the screen, so a frame drawn with a cache equals one drawn without.
///
/// Lines are known by `History.sequenceNumber`, which stays with a line as older ones drop.
public struct WrapCache: Sendable {
    private var width = 0
    /// The sequence number of `lines[0]`.
    private var first = 0
    private var lines: [[[Cell]]] = []
    /// What the kept rows were drawn with: timestamps and the zone change every row.
    private var format = LineFormat()
    /// The room whose buffer the kept rows are of (nil: `#general`): each room's buffer numbers
    /// its lines from 0, so rows kept for another room are stale.
    var room: String?

    public init() {}

    /// The lines that fill `height` rows upwards from history line `last`, oldest first, each
    /// as its rows at `width` columns (the oldest may have more rows than fit). Keeps exactly
    /// these, for the next frame.
    mutating func linesInView(of history: History, last: Int, height: Int, width: Int,
                              format: LineFormat = LineFormat(timestamps: false)) -> [[[Cell]]] {
        if format != self.format {
            lines = []
            self.format = format
        }
        var shown: [[[Cell]]] = []
        var rows = 0
        var index = last
        while index >= 0, rows < height {
            let line = cached(history.sequenceNumber(of: index), width: width)
                ?? ChatView.rows(at: index, of: history, width: width, format: format)
            shown.append(line)
            rows += line.count
            index -= 1
        }
        shown.reverse()
        self.width = width
        first = history.sequenceNumber(of: last + 1 - shown.count)
        lines = shown
        return shown
    }

    private func cached(_ sequenceNumber: Int, width: Int) -> [[Cell]]? {
        guard width == self.width, sequenceNumber >= first, sequenceNumber < first + lines.count else { return nil }
        return lines[sequenceNumber - first]
    }
}
