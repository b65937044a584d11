/// Rows `top...bottom` of the screen moved up by `by` rows: what a terminal does for
/// `CSI top;bottom r` then `CSI by S`, the rows scrolled in at the bottom blank.
struct Scroll: Equatable {
    var top: Int, bottom: Int, by: Int

    /// Scrolling pays only when it saves rewriting several rows.
    static let minRowsSaved = 3
    static let maxDistance = 8

    /// The shift that lets the most changed rows of `new` be had by scrolling `old` (frames of
    /// one size). Rows are compared by hash first; the chosen region is then checked cell by cell.
    static func find(old: Frame, new: Frame) -> Scroll? {
        let rows = new.rows
        guard new.cols > 0, rows > minRowsSaved else { return nil }
        // Most frames change a row or two (a key typed): no scroll can pay, and no hashing is done.
        let changed = (0..<rows).map { !new.sameRow($0, as: $0, in: old) }
        guard changed.filter({ $0 }).count >= minRowsSaved else { return nil }
        let oldHash = old.rowHashes(), newHash = new.rowHashes()
        var best: (scroll: Scroll, saved: Int)?
        for k in 1...min(maxDistance, rows - 1) {
            var start = 0, saved = 0
            for r in 0...(rows - k) {
                if r < rows - k, newHash[r] == oldHash[r + k] {
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
        guard let s = best?.scroll else { return nil }
        for r in s.top...(s.bottom - s.by) where !new.sameRow(r, as: r + s.by, in: old) { return nil }
        return s
    }
}

extension Frame {
    /// Whether row `r` of this frame shows what row `s` of `other` (of the same width) does.
    func sameRow(_ r: Int, as s: Int, in other: Frame) -> Bool {
        let a = r * cols, b = s * cols
        for c in 0..<cols where !PackedCell.same(grid[a + c], in: clusters, other.grid[b + c], in: other.clusters) {
            return false
        }
        return true
    }

    /// A hash of each row's cells, equal for rows that are the same (a long glyph is hashed by
    /// its text, so the same row hashes alike in two frames). Only a filter for `Scroll.find`.
    func rowHashes() -> [UInt64] {
        (0..<rows).map { r in
            // Two independent lanes, so the multiplications need not wait for each other.
            var g: UInt64 = 0xCBF2_9CE4_8422_2325, l: UInt64 = 0x8422_2325_CBF2_9CE4
            for i in (r * cols)..<((r + 1) * cols) {
                let cell = grid[i]
                var glyph = cell.glyph.bits
                if cell.glyph.isLong {
                    glyph = Glyph.long(0).bits  // not the index: it differs from frame to frame
                    for byte in clusters[cell.glyph.longIndex].text.utf8 { glyph = (glyph ^ UInt64(byte)) &* 0x100_0000_01B3 }
                }
                g = (g ^ glyph) &* 0x9E37_79B9_7F4A_7C15
                l = (l ^ cell.look.bits) &* 0xC2B2_AE3D_27D4_EB4F
            }
            let h = g ^ (l >> 29 | l << 35)
            return h ^ h >> 31
        }
    }
}
