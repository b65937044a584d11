@testable import ChatState

/// What a row of cells shows, continuation cells adding nothing.
func shown(_ cells: [Cell]) -> String {
    cells.map(\.grapheme).joined()
}

func shown(_ rows: [[Cell]]) -> [String] {
    rows.map(shown)
}

func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// No scalar that a terminal could obey survives: C0, DEL, C1, and format characters except
/// the emoji joiners.
func isSafe(_ cells: [Cell]) -> Bool {
    for cell in cells {
        let scalars = Array(cell.grapheme.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            let v = s.value
            if v < 0x20 || (0x7F...0x9F).contains(v) { return false }
            if s.properties.generalCategory == .format {
                let emojiJoiner = v == 0x200D && i > 0 && i + 1 < scalars.count
                let tag = (0xE0020...0xE007F).contains(v) && scalars.first?.value == 0x1F3F4
                if !emojiJoiner && !tag { return false }
            }
        }
    }
    return true
}
