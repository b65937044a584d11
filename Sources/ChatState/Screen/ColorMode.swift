/// What colours the terminal is sent. Chosen by the interpreter from the environment
/// (`NO_COLOR`, `COLORTERM`, `TERM`); the view always asks for RGB.
public enum ColorMode: Equatable, Hashable, Codable, Sendable {
    /// `38;2;r;g;b` sequences.
    case trueColor
    /// The nearest entry of the xterm 6x6x6 cube (16–231) or grey ramp (232–255). The 16
    /// system colours are never chosen: themes redefine them.
    case palette256
    /// No colour sequences at all (https://no-color.org); bold, dim and reverse still apply.
    case none

    /// The xterm-256 index nearest to an RGB colour (squared RGB distance; ties go to the cube).
    public static func paletteIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let (ri, gi, bi) = (cubeStep(r), cubeStep(g), cubeStep(b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let cubeDistance = distance(r, g, b, cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])

        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = min(23, max(0, (average - 3) / 10))
        let grey = 8 + 10 * greyStep
        let greyDistance = distance(r, g, b, grey, grey, grey)
        return UInt8(greyDistance < cubeDistance ? 232 + greyStep : cube)
    }

    private static let cubeLevels = [0, 95, 135, 175, 215, 255]

    private static func cubeStep(_ v: UInt8) -> Int {
        // Midpoints between the levels: 47.5, 115, 155, 195, 235.
        let v = Int(v)
        if v < 48 { return 0 }
        if v < 115 { return 1 }
        return (v - 35) / 40
    }

    private static func distance(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ r2: Int, _ g2: Int, _ b2: Int) -> Int {
        let dr = Int(r) - r2, dg = Int(g) - g2, db = Int(b) - b2
        return dr * dr + dg * dg + db * db
    }
}
