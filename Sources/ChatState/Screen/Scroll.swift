import Foundation

/// Rows `top...bottom` of the screen moved up by `by` rows: what a terminal does for
/// `CSI top;bottom r` then `CSI by S`, the rows scrolled in at the bottom blank.
struct Scroll: Equatable {
    var top: Int, bottom: Int, by: Int

    /// Scrolling pays only when it saves rewriting several rows.
    static let minRowsSaved = 3
    static let maxDistance = 8

    /// The shift that lets the most changed rows of `new` be had by scrolling `old` (frames of
    /// one size); `changed[r]` says whether row `r` of `new` differs from row `r` of `old`.
    static func find(old: Frame, new: Frame, changed: [Bool]) -> Scroll? {
        let rows = new.rows
        guard new.cols > 0, rows > minRowsSaved else { return nil }
        // Most frames change a row or two (a key typed): no scroll can pay.
        guard changed.filter({ $0 }).count >= minRowsSaved else { return nil }
        var best: (scroll: Scroll, saved: Int)?
        for k in 1...min(maxDistance, rows - 1) {
            var start = 0, saved = 0
            for r in 0...(rows - k) {
                if r < rows - k, new.sameRow(r, as: r + k, in: old) {
                    if changed[r] { saved += 1 }
                    continue
                }
                if saved > (best?.saved ?? minRowsSaved - 1), r - 1 >= start {
                    best = (Scroll(top: start, bottom: r - 1 + k, by: k), saved)
                }
                start = r + 1
                saved = 0
            }
        }
        return best?.scroll
    }
}

extension Frame {
    /// Whether row `r` of this frame shows what row `s` of `other` (of the same width) does.
    /// Rows are compared as memory, which stops at the first difference: two chat rows
    /// differ within a few cells, so trying every shift of every row costs little.
    func sameRow(_ r: Int, as s: Int, in other: Frame) -> Bool {
        guard cols > 0 else { return true }
        guard clusters.isEmpty, other.clusters.isEmpty else {
            // A long glyph's index means nothing in another frame: compare its text.
            let a = r * cols, b = s * cols
            return (0..<cols).allSatisfy {
                PackedCell.same(grid[a + $0], in: clusters, other.grid[b + $0], in: other.clusters)
            }
        }
        // PackedCell is two integers and no padding: equal bytes, equal cells.
        let stride = MemoryLayout<PackedCell>.stride
        return grid.withUnsafeBytes { mine in
            other.grid.withUnsafeBytes { theirs in
                let length = cols * stride
                return memcmp(mine.baseAddress! + r * length, theirs.baseAddress! + s * length, length) == 0
            }
        }
    }
}
