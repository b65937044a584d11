import Glibc

/// The local time zone, read by the interpreter for the core (which has none): its offset from
/// UTC at a moment, so the screen shows local times and notices a change of day, daylight
/// saving included.
enum LocalZone {
    static func offsetSeconds(atWallMillis millis: Int64) -> Int {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return parts.tm_gmtoff
    }
}
