/// One terminal cell. A wide (2-column) grapheme occupies its cell and the one to its right,
/// which holds a continuation cell (`width == 0`, empty grapheme) so that the buffer stays a
/// plain row-major grid.
///
/// Cells made with `ScreenText.cells` are safe to print; a cell built by hand is trusted to
/// hold one printable grapheme of the stated width.
public struct Cell: Equatable, Hashable, Sendable {
    public var grapheme: String
    /// 1 or 2 for a drawn grapheme, 0 for the right half of a wide one.
    public var width: UInt8
    public var style: Style

    public init(grapheme: String, width: UInt8, style: Style = .plain) {
        self.grapheme = grapheme
        self.width = width
        self.style = style
    }

    public static let blank = Cell(grapheme: " ", width: 1)

    public static func blank(_ style: Style) -> Cell {
        Cell(grapheme: " ", width: 1, style: style)
    }

    /// The right half of a wide grapheme; it carries the wide cell's style.
    public static func continuation(_ style: Style) -> Cell {
        Cell(grapheme: "", width: 0, style: style)
    }

    public var isContinuation: Bool { width == 0 }
}
