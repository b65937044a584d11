/// One terminal cell. A wide (2-column) grapheme occupies its cell and the one to its right,
/// which holds a continuation cell (`width == 0`, empty grapheme) so that the buffer stays a
/// plain row-major grid.
///
/// Cells made with `ScreenText.cells` are safe to print; a cell built by hand is trusted to
/// hold one printable grapheme of the stated width.
///
/// Stored as two integers (`Glyph`, `Look`) so that frames of thousands of cells are built,
/// copied and compared cheaply; only a grapheme too long to pack keeps a String (`Cluster`).
public struct Cell: Hashable, Sendable {
    var glyph: Glyph
    var look: Look
    /// The grapheme when `glyph` is too short for it (`glyph` is then `.long(0)`); else nil.
    var cluster: Cluster?

    public init(grapheme: String, width: UInt8, style: Style = .plain) {
        if let packed = Glyph(packing: grapheme) {
            self.init(glyph: packed, look: Look(width: width, style: style))
        } else {
            self.init(glyph: .long(0), look: Look(width: width, style: style), cluster: Cluster(grapheme))
        }
    }

    init(glyph: Glyph, look: Look, cluster: Cluster? = nil) {
        self.glyph = glyph
        self.look = look
        self.cluster = cluster
    }

    public var grapheme: String { cluster?.text ?? glyph.text }
    /// 1 or 2 for a drawn grapheme, 0 for the right half of a wide one.
    public var width: UInt8 { look.width }
    public var style: Style { look.style }

    public static let blank = Cell(glyph: .space, look: Look(width: 1, style: .plain))

    public static func blank(_ style: Style) -> Cell {
        Cell(glyph: .space, look: Look(width: 1, style: style))
    }

    /// The right half of a wide grapheme; it carries the wide cell's style.
    public static func continuation(_ style: Style) -> Cell {
        Cell(glyph: .empty, look: Look(width: 0, style: style))
    }

    public var isContinuation: Bool { width == 0 }

    var isSpace: Bool { glyph == .space }

    public static func == (a: Cell, b: Cell) -> Bool {
        guard a.glyph == b.glyph, a.look == b.look else { return false }
        guard let x = a.cluster, let y = b.cluster else { return a.cluster == nil && b.cluster == nil }
        return x.sameText(as: y)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(glyph)
        hasher.combine(look)
        if let cluster { for byte in cluster.text.utf8 { hasher.combine(byte) } }
    }
}

/// A cell as a `Frame` stores it: nothing but integers, so that a frame is one flat block of
/// memory. A long glyph's index points into the frame's table of clusters.
struct PackedCell: Equatable, Sendable {
    var glyph: Glyph
    var look: Look

    static let blank = PackedCell(glyph: .space, look: Cell.blank.look)

    /// Whether two packed cells, each read with the cluster table it indexes, are the same.
    static func same(_ a: PackedCell, in aClusters: [Cluster], _ b: PackedCell, in bClusters: [Cluster]) -> Bool {
        if a == b, !a.glyph.isLong { return true }
        return a.look == b.look && sameGlyph(a, in: aClusters, b, in: bClusters)
    }

    /// Whether two packed cells hold the same grapheme. Long glyphs are compared by their
    /// text: the same index in two tables may mean different clusters, and vice versa.
    static func sameGlyph(_ a: PackedCell, in aClusters: [Cluster], _ b: PackedCell, in bClusters: [Cluster]) -> Bool {
        guard a.glyph.isLong, b.glyph.isLong else { return a.glyph == b.glyph }
        return aClusters[a.glyph.longIndex].sameText(as: bClusters[b.glyph.longIndex])
    }
}
