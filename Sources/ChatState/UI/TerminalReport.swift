/// A reply the terminal sends to a question the front end asked (see `WidthProbe`). It comes
/// mixed with the typed keys, so the key decoder parses it, and the front end takes it out
/// before keys reach the core: a report is never typed text.
public enum TerminalReport: Equatable, Hashable, Codable, Sendable {
    /// CPR, the answer to `CSI 6 n`: `CSI row ; col R`, both counted from 1.
    case cursor(row: Int, col: Int)
    /// DECRPM, the answer to `CSI ? mode $ p`: `CSI ? mode ; value $ y` (0 unknown mode,
    /// 1 set, 2 reset, 3 always set, 4 always reset).
    case mode(Int, value: Int)
    /// The answer to DA1 (`CSI c`): `CSI ? ... c`. Every terminal answers it, and answers in
    /// order, so it tells that the questions asked before it got all the answers they will get.
    case deviceAttributes
}
