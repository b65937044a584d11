import ChatIO
import ChatState

/// A command-line mistake: one line for the user, exit code 2.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// What the command line asked for.
enum Command {
    case chat(ChatOptions)
    case replay(ReplayOptions)
    case certs(outDirectory: String, force: Bool)
    case bench(BenchCommandOptions)
    case help
    case version
}

/// What `pychat replay` shows: the transcript, or screens of a recorded terminal session.
struct ReplayOptions: Equatable {
    enum Screens: Equatable {
        case none
        /// The screen after this step; nil: after the last step replayed.
        case at(Int?)
        case every
    }

    var path: String
    var verify = false
    var screens = Screens.none
}

/// The options of a chat session (client or server), validated.
struct ChatOptions {
    var serve = false
    var host = "0.0.0.0"
    var port = 8080
    var username = TextRules.anonymous
    var color = "000000"
    var ssl = false
    var certFile = "./client.pem"
    var caFile = "./rootCA.pem"
    var headless = false
    /// A mention rings and notifies when the terminal is not focused (`--no-notify`: it does not).
    var notify = true

    /// `PYCHAT_NO_NOTIFY` set to anything but the empty string is `--no-notify`, read the way
    /// `NO_COLOR` is. There is no common `NO_BELL`: weechat and irssi each have a setting of their
    /// own, so pychat's variable is its own too, for a shell profile or a tmux environment.
    static func notifies(flag: Bool, environment: [String: String]) -> Bool {
        flag && (environment["PYCHAT_NO_NOTIFY"] ?? "").isEmpty
    }
    var recordPath: String?
    var maxFrameLength = Limits.maxFrameLength
    var maxConnections = AppConfig.defaultMaxConnections
    var chatRate = AppConfig.defaultChatRate
    var chatBurst = AppConfig.defaultChatBurst
    var admission = Admission.Policy()
    var historyForOriginals = 0
    /// A client reconnects when it loses the server unless `--no-reconnect` (see `Reconnect`).
    var reconnect = true
    /// Hidden, for tests: the first reconnect's delay (`--reconnect-initial-ms`).
    var reconnectInitialMillis = ReconnectPolicy.defaultInitialMillis
    var runtime = RuntimeOptions()
    var store = StoreOptions()
    /// A store flag was given (they only make sense for a server).
    var storeFlag: String?
}

/// A small parser for the original's flags and ours: `-P 8080`, `-P8080`, `--port 8080` and
/// `--port=8080` all work, as with the original's argparse.
struct ArgumentParser {
    private var args: [String]
    private var index = 0

    init(_ args: [String]) { self.args = args }

    mutating func parse() throws(UsageError) -> Command {
        switch args.first {
        case "replay": return try parseReplay()
        case "certs": return try parseCerts()
        case "bench": return try parseBench()
        default: return try parseChat()
        }
    }

    /// Splits `--name=value` and `-Xvalue` so every flag is seen as a name and maybe a value.
    private mutating func next() -> (flag: String, inline: String?)? {
        guard index < args.count else { return nil }
        let arg = args[index]
        index += 1
        if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
            return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
        }
        if arg.hasPrefix("-"), !arg.hasPrefix("--"), arg.count > 2, Self.shortWithValue.contains(String(arg.prefix(2))) {
            return (String(arg.prefix(2)), String(arg.dropFirst(2)))
        }
        return (arg, nil)
    }

    private static let shortWithValue: Set<String> = ["-H", "-P", "-u", "-c"]

    private mutating func value(_ flag: String, _ inline: String?) throws(UsageError) -> String {
        if let inline { return inline }
        guard index < args.count else { throw UsageError("\(flag) needs a value") }
        index += 1
        return args[index - 1]
    }

    private mutating func parseChat() throws(UsageError) -> Command {
        var o = ChatOptions()
        while let (flag, inline) = next() {
            switch flag {
            case "-h", "--help": return .help
            case "--version": return .version
            case "-s", "--serve": o.serve = true
            case "--ssl": o.ssl = true
            case "--headless": o.headless = true
            case "--no-notify": o.notify = false
            case "-H", "--host":
                o.host = try value(flag, inline)
                if o.host.isEmpty { throw UsageError("\(flag): the host must not be empty") }
            case "-P", "--port": o.port = try Self.integer(flag, try value(flag, inline), in: 0...65535)
            case "-u", "--username": o.username = try value(flag, inline)
            case "-c", "--color": o.color = try Self.color(flag, try value(flag, inline))
            case "--certfile": o.certFile = try value(flag, inline)
            case "--cafile": o.caFile = try value(flag, inline)
            case "--record": o.recordPath = try value(flag, inline)
            case "--data":
                o.store.folder = try value(flag, inline)
                if o.store.folder!.isEmpty { throw UsageError("\(flag): the folder must not be empty") }
                o.storeFlag = flag
            case "--ephemeral":
                o.store.ephemeral = true
                o.storeFlag = flag
            case "--history-keep":
                try Self.historyKeep(flag, try value(flag, inline), into: &o.store)
                o.storeFlag = flag
            case "--max-frame": o.maxFrameLength = try Self.integer(flag, try value(flag, inline), in: 1...Int(UInt32.max))
            case "--max-output":
                o.runtime.maxOutputBytes = try Self.integer(flag, try value(flag, inline), in: 1...(1 << 40))
            case "--stall-timeout":
                o.runtime.stallTimeoutMillis = try Self.seconds(flag, try value(flag, inline))
            case "--frame-timeout":
                o.runtime.frameTimeoutMillis = try Self.seconds(flag, try value(flag, inline))
            case "--max-connections":
                o.maxConnections = try Self.integer(flag, try value(flag, inline), in: 1...10_000_000)
            case "--rate": o.chatRate = try Self.integer(flag, try value(flag, inline), in: 0...1_000_000)
            case "--burst": o.chatBurst = try Self.integer(flag, try value(flag, inline), in: 1...1_000_000)
            case "--no-reconnect": o.reconnect = false
            case "--reconnect-initial-ms":
                o.reconnectInitialMillis = Int64(try Self.integer(flag, try value(flag, inline), in: 1...3_600_000))
            case "--op":
                o.runtime.ops.append(try Self.fingerprint(flag, try value(flag, inline)))
            case "--history-for-originals":
                o.historyForOriginals = try Self.integer(flag, try value(flag, inline), in: 0...Limits.historyPage)
            case "--max-per-address":
                o.admission.perAddress = try Self.integer(flag, try value(flag, inline), in: 0...10_000_000)
            case "--max-unjoined-per-address":
                o.admission.unjoinedPerAddress = try Self.integer(flag, try value(flag, inline), in: 0...10_000_000)
            case "--connect-burst":
                o.admission.connectBurst = try Self.integer(flag, try value(flag, inline), in: 0...10_000_000)
            case "--connects-per-minute":
                o.admission.connectsPerMinute = try Self.integer(flag, try value(flag, inline), in: 1...10_000_000)
            default:
                if flag.hasPrefix("-") { throw UsageError("unknown option \(flag) (see pychat --help)") }
                throw UsageError("unexpected argument \(flag) (see pychat --help)")
            }
            if inline != nil && !Self.takesValue(flag) {
                throw UsageError("\(flag) takes no value")
            }
        }
        if !o.serve && o.port == 0 { throw UsageError("--port 0 is only for --serve (a client needs the server's port)") }
        if !o.serve && !o.runtime.ops.isEmpty { throw UsageError("--op is only for --serve (the server has ops)") }
        if !o.serve, let flag = o.storeFlag { throw UsageError("\(flag) is only for --serve (the server keeps the room log)") }
        if o.store.ephemeral && o.store.folder != nil { throw UsageError("--ephemeral keeps nothing: --data goes without it") }
        return .chat(o)
    }

    private static func takesValue(_ flag: String) -> Bool {
        !["-h", "--help", "--version", "-s", "--serve", "--ssl", "--headless", "--ephemeral", "--no-notify"].contains(flag)
    }

    private mutating func parseReplay() throws(UsageError) -> Command {
        index = 1
        var path: String?
        var verify = false, screen = false, every = false
        var at: Int?
        while let (flag, inline) = next() {
            switch flag {
            case "--verify" where inline == nil: verify = true
            case "--screen" where inline == nil: screen = true
            case "--screens" where inline == nil: every = true
            case "--at":
                guard let text = inline ?? take(), let n = Int(text), n >= 1 else {
                    throw UsageError("replay: --at needs a step number from 1")
                }
                at = n
            case "-h", "--help": return .help
            default:
                if flag.hasPrefix("-") && flag != "-" { throw UsageError("replay: unknown option \(flag)") }
                if path != nil { throw UsageError("replay: one log file only") }
                path = flag
            }
        }
        guard let path else { throw UsageError("replay: which log? pychat replay FILE [--verify] [--screen [--at STEP] | --screens]") }
        if at != nil && !screen { throw UsageError("replay: --at goes with --screen") }
        if screen && every { throw UsageError("replay: --screen or --screens, not both") }
        let screens: ReplayOptions.Screens = every ? .every : screen ? .at(at) : .none
        return .replay(ReplayOptions(path: path, verify: verify, screens: screens))
    }

    /// The next argument as a flag's value.
    private mutating func take() -> String? {
        guard index < args.count else { return nil }
        index += 1
        return args[index - 1]
    }

    private mutating func parseCerts() throws(UsageError) -> Command {
        index = 1
        var out = "."
        var force = false
        while let (flag, inline) = next() {
            switch flag {
            case "--out": out = try value(flag, inline)
            case "--force": force = true
            case "-h", "--help": return .help
            default: throw UsageError("certs: unknown option \(flag)")
            }
        }
        return .certs(outDirectory: out, force: force)
    }

    private mutating func parseBench() throws(UsageError) -> Command {
        index = 1
        var o = BenchCommandOptions()
        o.bench.port = 8080
        while let (flag, inline) = next() {
            switch flag {
            case "-h", "--help": return .help
            case "--relay": o.relay = true
            case "--ssl": o.ssl = true
            case "-H", "--host": o.bench.host = try value(flag, inline)
            case "-P", "--port": o.bench.port = try Self.integer(flag, try value(flag, inline), in: 0...65535)
            case "--clients": o.bench.clients = try Self.integer(flag, try value(flag, inline), in: 1...1_000_000)
            case "--messages": o.bench.messages = try Self.integer(flag, try value(flag, inline), in: 0...Int(UInt32.max))
            case "--rate":
                let text = try value(flag, inline)
                guard let r = Double(text), r.isFinite, r >= 0 else { throw UsageError("\(flag): \"\(text)\" is not a rate") }
                o.bench.rate = r
            case "--size": o.bench.size = try Self.integer(flag, try value(flag, inline), in: 36...Limits.maxTextLength)
            case "--certfile": o.certFile = try value(flag, inline)
            case "--cafile": o.caFile = try value(flag, inline)
            case "--json": o.jsonPath = try value(flag, inline)
            case "--name": o.bench.namePrefix = try value(flag, inline)
            case "--idle-timeout": o.bench.idleTimeoutMillis = try Self.seconds(flag, try value(flag, inline))
            case "--join-timeout": o.bench.joinTimeoutMillis = try Self.seconds(flag, try value(flag, inline))
            case "--join-quiet": o.bench.joinQuietMillis = try Self.seconds(flag, try value(flag, inline))
            default: throw UsageError("bench: unknown option \(flag) (see pychat --help)")
            }
            if inline != nil && ["--relay", "--ssl"].contains(flag) { throw UsageError("\(flag) takes no value") }
        }
        if !o.relay && o.bench.port == 0 { throw UsageError("bench: --port 0 is only for --relay") }
        return .bench(o)
    }

    /// A certificate's SHA-256 fingerprint: 64 hex digits, colons allowed (openssl prints
    /// `AB:CD:...`), kept as the server knows it, lowercase without colons.
    static func fingerprint(_ flag: String, _ text: String) throws(UsageError) -> String {
        let hex = text.split(separator: "=").last.map { $0.filter { $0 != ":" } } ?? ""
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit), hex.allSatisfy(\.isASCII) else {
            throw UsageError("\(flag): not a SHA-256 fingerprint (64 hex digits, as openssl x509 -fingerprint -sha256 prints it)")
        }
        return hex.lowercased()
    }

    static func integer(_ flag: String, _ text: String, in range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let n = Int(text) else { throw UsageError("\(flag): \"\(text)\" is not a number") }
        guard range.contains(n) else {
            throw UsageError("\(flag): \(n) is out of range (\(range.lowerBound)...\(range.upperBound))")
        }
        return n
    }

    /// `N` entries or `Nd` days; each sets its own cap and leaves the other's default, so
    /// `--history-keep 5000 --history-keep 30d` keeps whichever is less.
    static func historyKeep(_ flag: String, _ text: String, into store: inout StoreOptions) throws(UsageError) {
        if text.hasSuffix("d") {
            store.keepDays = try integer(flag, String(text.dropLast()), in: 1...1_000_000)
        } else if let n = Int(text) {
            store.keepEntries = try integer(flag, String(n), in: 1...1_000_000_000_000)
        } else {
            throw UsageError("\(flag): \"\(text)\" is neither a number of entries (5000) nor of days (30d)")
        }
    }

    /// Seconds, fractions allowed ("0.5"), as milliseconds.
    static func seconds(_ flag: String, _ text: String) throws(UsageError) -> Int {
        guard let s = Double(text), s.isFinite else { throw UsageError("\(flag): \"\(text)\" is not a number of seconds") }
        guard s > 0, s <= 86_400 else { throw UsageError("\(flag): \(text) s is out of range (more than 0, at most 86400)") }
        return max(1, Int((s * 1000).rounded()))
    }

    /// Six hex digits, with an optional '#'. The core would tolerate anything (the original
    /// crashed); refusing it here tells the user at once.
    static func color(_ flag: String, _ text: String) throws(UsageError) -> String {
        let digits = text.hasPrefix("#") ? text.dropFirst() : text[...]
        guard digits.utf8.count == 6, digits.utf8.allSatisfy({ isHexDigit($0) }) else {
            throw UsageError("\(flag): \"\(text)\" is not a colour; give six hex digits like ff8800 (or #ff8800)")
        }
        return text
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }
}
