/// How a history line is drawn beyond its own text: what the user chose (timestamps on or off)
/// and what the interpreter told (the time zone's offset). The rows a renderer keeps depend on
/// it, so `WrapCache` drops them when it changes.
public struct LineFormat: Equatable, Sendable {
    /// `HH:MM` in front of every line: on by default, Ctrl-T or `/timestamps` toggles it.
    public var timestamps = true
    /// Seconds east of UTC, as the interpreter last told it.
    public var utcOffsetSeconds = 0
    /// The history line (`History.sequenceNumber`) the "new since you were here" line is above.
    public var readMarker: Int?
    /// How the terminal draws what terminals disagree on (`Event.terminalWidths`): every row
    /// is shaped with it, so rows kept with another table are stale.
    public var widths = WidthTable.standard

    public init(timestamps: Bool = true, utcOffsetSeconds: Int = 0) {
        self.timestamps = timestamps
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// `HH:MM ` takes this many columns.
    static let stampColumns = 6

    static let stampStyle = Style(foreground: .rgb(0x80, 0x80, 0x80))
    static let quietStyle = Style(foreground: .rgb(0x80, 0x80, 0x80), dim: true)
    /// A line that names the user: the sender's colour on yellow, bold.
    static let mentionBackground = Color.rgb(255, 230, 120)

    /// The time column for a line: its time, or nothing for a line without one (a day line; a
    /// line from before the interpreter told the time, which only tests make).
    func stamp(_ line: DisplayLine) -> [Cell] {
        guard timestamps, let time = line.time else { return [] }
        return ScreenText.cells(ClockText.hhmm(time, offsetSeconds: utcOffsetSeconds) + " ", style: Self.stampStyle)
    }

    /// The line that marks a change of day between two lines, in the local zone.
    func dayLine(_ day: Int64) -> DisplayLine {
        DisplayLine.notice("── \(ClockText.dayName(day)) ──").quieted
    }

    /// The day line to put before `line`, if its day is not the newest line's (which it becomes).
    func dayLine(before line: DisplayLine, newestDay: inout Int64?) -> DisplayLine? {
        guard let day = day(of: line) else { return nil }
        defer { newestDay = day }
        if let newest = newestDay, newest != day { return dayLine(day) }
        return nil
    }

    func day(of line: DisplayLine) -> Int64? {
        line.time.map { ClockText.day($0, offsetSeconds: utcOffsetSeconds) }
    }
}
