/// Times as the screen shows them, in the user's time zone. The core reads no clock and no
/// zone: the time is a line's (`DisplayLine.time`) and the zone's offset from UTC is the
/// interpreter's, given as data (`Instant.utcOffsetSeconds`).
public enum ClockText {
    /// `HH:MM` of `millis` (Unix milliseconds) at `offsetSeconds` east of UTC.
    public static func hhmm(_ millis: Int64, offsetSeconds: Int = 0) -> String {
        let minutes = local(millis, offsetSeconds).floorDivided(by: 60_000).modulo(24 * 60)
        return twoDigits(minutes / 60) + ":" + twoDigits(minutes % 60)
    }

    /// The local day of `millis`, counted in days since 1970-01-01: two lines are on the same
    /// day exactly when their numbers are equal.
    public static func day(_ millis: Int64, offsetSeconds: Int = 0) -> Int64 {
        local(millis, offsetSeconds).floorDivided(by: 86_400_000)
    }

    static let weekdays = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]

    /// `Tuesday 1 December 2026` for a day number of `day(_:offsetSeconds:)`.
    public static func dayName(_ day: Int64) -> String {
        let (y, m, d) = civil(day)
        return "\(weekdays[Int(day.modulo(7))]) \(d) \(months[m - 1]) \(y)"
    }

    /// Year, month and day of a day number: Howard Hinnant's `civil_from_days`, exact for every
    /// day of the proleptic Gregorian calendar, in constant time.
    static func civil(_ day: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = day + 719_468
        let era = z.floorDivided(by: 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func local(_ millis: Int64, _ offsetSeconds: Int) -> Int64 {
        millis &+ Int64(offsetSeconds) &* 1000
    }

    private static func twoDigits(_ n: Int64) -> String { (n < 10 ? "0" : "") + String(n) }
}
