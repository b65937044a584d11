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
    /// The widths `put(_:row:col:)` shapes text with: the terminal's (the view sets them).
    public var widths = WidthTable.standard

    public init(cols: Int, rows: Int, fill: Cell = .blank) {
        self.cols = max(0, cols)
        self.rows = max(0, rows)
        self.cursor = nil
        var blank = PackedCell.blank
        if fill.width == 1 {
            blank = PackedCell(glyph: fill.glyph, look: fill.look)
            if let cluster = fill.cluster {
                clusters = [cluster]
                blank.glyph = .long(0)
            }
        }
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
        put(cells: ScreenText.cells(text, style: style, widths: widths), row: row, col: col, width: width)
    }

    /// Copies a line of cells (as `ScreenText` makes them: each wide cell followed by its
    /// continuation) to (row, col), clipped to `width` columns and to the right edge. A wide
    /// grapheme that would straddle the limit is drawn as one space in its style instead.
    /// Returns the number of columns used.
    @discardableResult
    public mutating func put(cells line: [Cell], row: Int, col: Int, width: Int? = nil) -> Int {
        guard row >= 0, row < rows, col >= 0, col < cols else { return 0 }
        let limit = min(cols, col + max(0, width ?? cols))
        dropUnusedClustersIfMany()
        let firstNew = clusters.count
        var added: [Cluster] = []
        let end = withRow(row) { cells in
            line.withUnsafeBufferPointer { line in
                // A cell is read field by field: copying it whole would retain its cluster.
                func packed(_ i: Int) -> PackedCell {
                    if line[i].cluster == nil { return PackedCell(glyph: line[i].glyph, look: line[i].look) }
                    added.append(line[i].cluster!)
                    return PackedCell(glyph: .long(firstNew + added.count - 1), look: line[i].look)
                }
                var x = col
                for i in line.indices {
                    guard x < limit else { break }
                    let look = line[i].look
                    switch look.width {
                    case 0:
                        continue  // the continuation is written together with its wide cell
                    case 1:
                        cells.setNarrow(packed(i), at: x)
                        x += 1
                    default:
                        if x + 2 <= limit {
                            cells.setWide(packed(i), at: x)
                            x += 2
                        } else {
                            cells.setNarrow(PackedCell(glyph: .space, look: look.withWidth(1)), at: x)
                            x += 1
                        }
                    }
                }
                return x
            }
        }
        clusters += added
        return end - col
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
        let narrow = cell.width == 1 ? cell : .blank(cell.style)
        var packed = PackedCell(glyph: narrow.glyph, look: narrow.look)
        if let cluster = narrow.cluster {
            dropUnusedClustersIfMany()
            clusters.append(cluster)
            packed.glyph = .long(clusters.count - 1)
        }
        withRow(row) { cells in
            for x in start..<end { cells.setNarrow(packed, at: x) }
        }
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

    // MARK: clusters

    /// Overwritten long cells leave their clusters behind; those are dropped before the
    /// table outgrows the grid, so a frame drawn over and over stays bounded.
    private mutating func dropUnusedClustersIfMany() {
        guard clusters.count >= 2 * grid.count + 16 else { return }
        var kept: [Cluster] = []
        for i in grid.indices where grid[i].glyph.isLong {
            kept.append(clusters[grid[i].glyph.longIndex])
            grid[i].glyph = .long(kept.count - 1)
        }
        clusters = kept
    }

    // MARK: writing a row

    /// Runs `body` on one row's cells in place: a frame is written a row at a time, and
    /// through a buffer the writes cost no copy-on-write or bounds check each.
    @discardableResult
    private mutating func withRow<Result>(_ row: Int, _ body: (GridRow) -> Result) -> Result {
        let cols = self.cols
        return grid.withUnsafeMutableBufferPointer { grid in
            body(GridRow(cells: UnsafeMutableBufferPointer(rebasing: grid[(row * cols)..<((row + 1) * cols)])))
        }
    }
}

/// One row of a frame's grid, written so that wide cells stay whole (see `Frame`).
private struct GridRow {
    let cells: UnsafeMutableBufferPointer<PackedCell>

    func setNarrow(_ cell: PackedCell, at col: Int) {
        breakWide(at: col)
        cells[col] = cell
    }

    func setWide(_ cell: PackedCell, at col: Int) {
        breakWide(at: col)
        breakWide(at: col + 1)
        cells[col] = cell
        cells[col + 1] = PackedCell(glyph: .empty, look: cell.look.withWidth(0))
    }

    /// Before cell `col` is overwritten: if it is half of a wide grapheme, the other half
    /// becomes a blank, so no orphaned half survives.
    private func breakWide(at col: Int) {
        let old = cells[col].look
        if old.width == 0, col > 0 {
            cells[col - 1] = PackedCell(glyph: .space, look: cells[col - 1].look.withWidth(1))
        } else if old.width == 2, col + 1 < cells.count {
            cells[col + 1] = PackedCell(glyph: .space, look: old.withWidth(1))
        }
    }
}
