/// While the terminal has lost focus (focus reporting, mode 1004): the lines that arrive are
/// unread, and a "new since you were here" line goes above the first of them; the title counts
/// them, and the lines that name the user, until focus comes back. The marker also goes above
/// the first line that arrives while the history is scrolled up (`markAbove`), and above the
/// first after the server went away (`markNextLine`).
public struct Away: Equatable, Sendable {
    /// What the terminal last said: true focused, false not, nil never said (a terminal without
    /// focus reporting; then the user is taken to be elsewhere for the bell, here for the rest).
    public internal(set) var terminalFocused: Bool?
    public internal(set) var unread = 0
    public internal(set) var mentions = 0
    /// The history line (`History.sequenceNumber`) the marker goes above: the first line that
    /// arrived while away the last time.
    public internal(set) var markerAt: Int?
    /// The marker moves with the next line that arrives while away.
    var markerPending = false

    public static let marker = "── new since you were here ──"

    /// A mention rings unless the terminal said it has focus.
    var ringsForMentions: Bool { terminalFocused != true }

    mutating func focus(_ focused: Bool) {
        terminalFocused = focused
        if focused {
            unread = 0
            mentions = 0
            markerPending = false
        } else {
            markerPending = true
        }
    }

    /// A line arrived as history line `sequenceNumber`.
    mutating func arrived(_ line: DisplayLine, as sequenceNumber: Int) {
        if markerPending {
            markerAt = sequenceNumber
            markerPending = false
        }
        guard terminalFocused == false else { return }
        unread += 1
        if line.mentionsMe { mentions += 1 }
    }

    /// The marker goes above the next line that arrives, focused or not.
    mutating func markNextLine() { markerPending = true }

    /// Another room's buffer is shown, with its own marker.
    mutating func show(marker: Int?) {
        markerAt = marker
        markerPending = false
    }

    /// The marker goes above history line `sequenceNumber`, the first the user has not seen.
    mutating func markAbove(_ sequenceNumber: Int) {
        markerAt = sequenceNumber
        markerPending = false
    }

    /// `3 unread, 1 mention`, or nil when nothing is unread.
    var summary: String? {
        guard unread > 0 else { return nil }
        return "\(unread) unread" + (mentions == 0 ? "" : mentions == 1 ? ", 1 mention" : ", \(mentions) mentions")
    }
}
