/// A whole screen: a flat row-major grid of cells, drawn in full by a pure view and then
/// compared with the previous frame by `FrameDiff`.
///
/// Invariant kept by every mutating method: a wide cell is always followed, on the same row,
/// by its continuation cell, and a continuation cell always follows a wide cell. Nothing wide
/// ever sits in the last column.
///
/// The grid holds `PackedCell`s (plain integers, so a frame is built and compared as one
/// block of memory); the few graphemes too long to pack live in `clusters`.
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
    /// Every cell, row-major; a long glyph is an index into `clusters`.
    private(set) var grid: [PackedCell]
    private(set) var clusters: [Cluster] = []
    /// Where the terminal cursor is shown; nil hides it.
    public var cursor: Position?

    public init(cols: Int, rows: Int, fill: Cell = .blank) {
        self.cols = max(0, cols)
        self.rows = max(0, rows)
        self.grid = []
        self.cursor = nil
        let blank = fill.width == 1 ? pack(fill) : .blank
        grid = Array(repeating: blank, count: self.cols * self.rows)
    }

    public var cells: [Cell] { grid.indices.map(cell(at:)) }

    public subscript(row: Int, col: Int) -> Cell {
        cell(at: row * cols + col)
    }

    func cell(at i: Int) -> Cell {
        let p = grid[i]
        guard p.glyph.isLong else { return Cell(glyph: p.glyph, look: p.look) }
        return Cell(glyph: .long(0), look: p.look, cluster: clusters[p.glyph.longIndex])
    }

    /// Appends the UTF-8 of cell `i`'s grapheme.
    func appendGrapheme(at i: Int, to out: inout [UInt8]) {
        let glyph = grid[i].glyph
        if glyph.isLong {
            out.append(contentsOf: clusters[glyph.longIndex].text.utf8)
        } else {
            glyph.appendUTF8(to: &out)
        }
    }

    func graphemeBytes(at i: Int) -> Int {
        let glyph = grid[i].glyph
        return glyph.isLong ? clusters[glyph.longIndex].text.utf8.count : glyph.utf8Count
    }

    public static func == (a: Frame, b: Frame) -> Bool {
        guard a.cols == b.cols, a.rows == b.rows, a.cursor == b.cursor else { return false }
        return a.grid.indices.allSatisfy { PackedCell.same(a.grid[$0], in: a.clusters, b.grid[$0], in: b.clusters) }
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
                setNarrow(pack(cell), row: row, col: x)
                x += 1
            default:
                if x + 2 <= limit {
                    setWide(pack(cell), row: row, col: x)
                    x += 2
                } else {
                    setNarrow(PackedCell(glyph: .space, look: cell.look.withWidth(1)), row: row, col: x)
                    x += 1
                }
            }
        }
        return x - col
    }

    /// Paints `count` blank cells in `style` from (row, col), clipped to the row.
    public mutating func fill(row: Int, col: Int, count: Int, style: Style = .plain) {
        fill(row: row, col: col, count: count, with: .blank(style))
    }

    /// Paints `count` copies of a narrow cell from (row, col), clipped to the row: a border
    /// line costs no text shaping. A cell that is not narrow paints blanks in its style.
    public mutating func fill(row: Int, col: Int, count: Int, with cell: Cell) {
        guard row >= 0, row < rows else { return }
        let start = max(0, col)
        let end = min(cols, col + count)
        guard start < end else { return }
        let packed = cell.width == 1 ? pack(cell) : pack(.blank(cell.style))
        for x in start..<end { setNarrow(packed, row: row, col: x) }
    }

    /// The screen as text, one string per row: continuation cells add nothing (the wide
    /// grapheme before them already stands for both columns) and trailing spaces are trimmed,
    /// so tests can compare with plain string literals.
    public func lines() -> [String] {
        (0..<rows).map { r in
            var bytes: [UInt8] = []
            for i in (r * cols)..<((r + 1) * cols) { appendGrapheme(at: i, to: &bytes) }
            while bytes.last == 0x20 { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: packing

    /// The cell as the grid stores it; a long grapheme's cluster joins the table.
    private mutating func pack(_ cell: Cell) -> PackedCell {
        guard let cluster = cell.cluster else { return PackedCell(glyph: cell.glyph, look: cell.look) }
        // Overwritten long cells leave their clusters behind; drop those before the table
        // outgrows the grid, so a frame drawn over and over stays bounded.
        if clusters.count >= 2 * grid.count + 16 { dropUnusedClusters() }
        clusters.append(cluster)
        return PackedCell(glyph: .long(clusters.count - 1), look: cell.look)
    }

    private mutating func dropUnusedClusters() {
        var kept: [Cluster] = []
        for i in grid.indices where grid[i].glyph.isLong {
            kept.append(clusters[grid[i].glyph.longIndex])
            grid[i].glyph = .long(kept.count - 1)
        }
        clusters = kept
    }

    // MARK: keeping wide cells whole

    private mutating func setNarrow(_ cell: PackedCell, row: Int, col: Int) {
        let i = row * cols + col
        breakWide(at: i, col: col)
        grid[i] = cell
    }

    private mutating func setWide(_ cell: PackedCell, row: Int, col: Int) {
        let i = row * cols + col
        breakWide(at: i, col: col)
        breakWide(at: i + 1, col: col + 1)
        grid[i] = cell
        grid[i + 1] = PackedCell(glyph: .empty, look: cell.look.withWidth(0))
    }

    /// Before cell `i` is overwritten: if it is half of a wide grapheme, the other half
    /// becomes a blank, so no orphaned half survives.
    private mutating func breakWide(at i: Int, col: Int) {
        let old = grid[i].look
        if old.width == 0, col > 0 {
            grid[i - 1] = PackedCell(glyph: .space, look: grid[i - 1].look.withWidth(1))
        } else if old.width == 2, col + 1 < cols {
            grid[i + 1] = PackedCell(glyph: .space, look: old.withWidth(1))
        }
    }
}
