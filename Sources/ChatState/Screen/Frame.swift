/// A whole screen: a flat row-major grid of cells, drawn in full by a pure view and then
/// compared with the previous frame by `FrameDiff`.
///
/// Invariant kept by every mutating method: a wide cell is always followed, on the same row,
/// by its continuation cell, and a continuation cell always follows a wide cell. Nothing wide
/// ever sits in the last column.
public struct Frame: Equatable, Sendable {
    public struct Position: Equatable, Hashable, Codable, Sendable {
        public var row: Int
        public var col: Int
        public init(row: Int, col: Int) {
            self.row = row
            self.col = col
        }
    }

    public let cols: Int
    public let rows: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor is shown; nil hides it.
    public var cursor: Position?

    public init(cols: Int, rows: Int, fill: Cell = .blank) {
        self.cols = max(0, cols)
        self.rows = max(0, rows)
        let blank = fill.width == 1 ? fill : .blank
        self.cells = Array(repeating: blank, count: self.cols * self.rows)
        self.cursor = nil
    }

    public subscript(row: Int, col: Int) -> Cell {
        cells[row * cols + col]
    }

    /// Draws `text` (made safe by `ScreenText.cells`) at (row, col), clipped to `width` columns
    /// (default: to the right edge). Returns the number of columns used.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, width: Int? = nil, style: Style = .plain) -> Int {
        put(cells: ScreenText.cells(text, style: style), row: row, col: col, width: width)
    }

    /// Copies a line of cells (as `ScreenText` makes them: each wide cell followed by its
    /// continuation) to (row, col), clipped to `width` columns and to the right edge. A wide
    /// grapheme that would straddle the limit is drawn as one space in its style instead.
    /// Returns the number of columns used.
    @discardableResult
    public mutating func put(cells line: [Cell], row: Int, col: Int, width: Int? = nil) -> Int {
        guard row >= 0, row < rows, col >= 0, col < cols else { return 0 }
        let limit = min(cols, col + max(0, width ?? cols))
        var x = col
        var i = 0
        while i < line.count, x < limit {
            let cell = line[i]
            i += 1
            switch cell.width {
            case 0:
                continue  // the continuation is written together with its wide cell
            case 1:
                setNarrow(cell, row: row, col: x)
                x += 1
            default:
                if x + 2 <= limit {
                    setWide(cell, row: row, col: x)
                    x += 2
                } else {
                    setNarrow(.blank(cell.style), row: row, col: x)
                    x += 1
                }
            }
        }
        return x - col
    }

    /// Paints `count` blank cells in `style` from (row, col), clipped to the row.
    public mutating func fill(row: Int, col: Int, count: Int, style: Style = .plain) {
        guard row >= 0, row < rows else { return }
        let start = max(0, col)
        let end = min(cols, col + count)
        guard start < end else { return }
        for x in start..<end { setNarrow(.blank(style), row: row, col: x) }
    }

    /// The screen as text, one string per row: continuation cells add nothing (the wide
    /// grapheme before them already stands for both columns) and trailing spaces are trimmed,
    /// so tests can compare with plain string literals.
    public func lines() -> [String] {
        (0..<rows).map { r in
            var line = ""
            for c in 0..<cols {
                line += cells[r * cols + c].grapheme
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    // MARK: keeping wide cells whole

    private mutating func setNarrow(_ cell: Cell, row: Int, col: Int) {
        let i = row * cols + col
        breakWide(at: i, col: col)
        cells[i] = cell
    }

    private mutating func setWide(_ cell: Cell, row: Int, col: Int) {
        let i = row * cols + col
        breakWide(at: i, col: col)
        breakWide(at: i + 1, col: col + 1)
        cells[i] = cell
        cells[i + 1] = .continuation(cell.style)
    }

    /// Before cell `i` is overwritten: if it is half of a wide grapheme, the other half
    /// becomes a blank, so no orphaned half survives.
    private mutating func breakWide(at i: Int, col: Int) {
        let old = cells[i]
        if old.width == 0, col > 0 {
            cells[i - 1] = .blank(cells[i - 1].style)
        } else if old.width == 2, col + 1 < cols {
            cells[i + 1] = .blank(old.style)
        }
    }
}
