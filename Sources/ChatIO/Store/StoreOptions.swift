/// Where a server keeps its room log and for how long (`--data`, `--ephemeral`,
/// `--history-keep`).
public struct StoreOptions: Equatable, Sendable {
    /// Entries kept per room by default: a busy room's months, and what the benchmarks show
    /// still opens in milliseconds and searches in under 50 ms (see README, Speed and scale).
    public static let defaultKeepEntries = 1_000_000
    /// Days kept by default; with the entry cap, whichever keeps less wins.
    public static let defaultKeepDays = 90
    /// Rows retention may delete in one idle call (about a millisecond's work).
    public static let pruneBudget = 500

    /// The folder of the log; nil: the platform's state folder (`defaultFolder`).
    public var folder: String?
    /// Keep nothing: no file is opened or written.
    public var ephemeral = false
    public var keepEntries: Int? = defaultKeepEntries
    public var keepDays: Int? = defaultKeepDays

    public init() {}

    /// `$XDG_STATE_HOME/pychat`, else `~/.local/state/pychat` (the XDG base directory rule for
    /// state that should survive restarts but is not a user's document); nil without a home.
    public static func defaultFolder(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/pychat" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/pychat"
    }

    /// The log of a server listening on `host:port`, one per listening address:
    /// `FOLDER/HOST_PORT.sqlite3`. Nil when nothing is kept: `--ephemeral`, or port 0 without
    /// `--data` (a server on a port picked at random has no address to find its log by again,
    /// and a file per run would litter the state folder; with `--data` the caller chose the
    /// folder, so `HOST_0.sqlite3` there is found again by the next `-P 0` run).
    public func path(host: String, port: Int, environment: [String: String]) throws(RoomLogError) -> String? {
        if ephemeral || (port == 0 && folder == nil) { return nil }
        guard let folder = folder ?? Self.defaultFolder(environment: environment) else {
            throw RoomLogError(path: "~/.local/state/pychat", reason: .cannotOpen(
                detail: "no HOME or XDG_STATE_HOME to keep it in; give --data DIR or --ephemeral"))
        }
        return folder + "/" + Self.fileName(host: host, port: port)
    }

    /// The host with anything but letters, digits, `.` and `-` as `_` (`::1` is `__1`).
    static func fileName(host: String, port: Int) -> String {
        let safe = String(String.UnicodeScalarView(host.unicodeScalars.map { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "." || s == "-") ? s : "_"
        }))
        return "\(safe)_\(port).sqlite3"
    }

    /// Opens the log these options ask for; nil when nothing is kept.
    public func open(host: String, port: Int, environment: [String: String]) throws(RoomLogError) -> RoomLog? {
        guard let path = try path(host: host, port: port, environment: environment) else { return nil }
        return try RoomLog(path: path)
    }
}
