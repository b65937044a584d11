import ChatIO

/// What `pychat bench` is asked to do.
public struct BenchOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var clients = 10
    public var messages = 100
    /// Messages per second per client; 0: as fast as the server takes them.
    public var rate = 0.0
    /// Bytes of each chat text (at least `BenchText.headerLength`).
    public var size = 64
    public var tls: TLSContext?
    /// Joining is over once every client has its ServerInfo and no join traffic (ServerInfo,
    /// SystemMessage) has arrived for this long.
    public var joinQuietMillis = 300
    /// Gives up joining after this long.
    public var joinTimeoutMillis = 120_000
    /// Once sending is over, a run ends when nothing has arrived for this long (messages lost).
    public var idleTimeoutMillis = 3_000
    /// TCP connections being set up at once: more would overflow the server's accept backlog.
    public var connectWindow = 512
    /// A name prefix, so that two bench processes in one room have distinct names.
    public var namePrefix = "bench"

    public init() {}
}

/// What a bench run measured. Latencies are in nanoseconds.
public struct BenchReport: Sendable {
    public var clients = 0
    public var joined = 0
    public var joinNanos: UInt64 = 0
    public var expected: UInt64 = 0
    public var delivered: UInt64 = 0
    public var lost: UInt64 = 0
    public var outOfOrder: UInt64 = 0
    public var duplicates: UInt64 = 0
    /// Frames that were none of ours: table refreshes, announcements, unreadable texts.
    public var otherFrames: UInt64 = 0
    public var foreign: UInt64 = 0
    /// From the first message sent to the last one received.
    public var sendNanos: UInt64 = 0
    public var p50: UInt64 = 0
    public var p99: UInt64 = 0
    public var max: UInt64 = 0
    public var cpuUserNanos: UInt64 = 0
    public var cpuSystemNanos: UInt64 = 0
    public var wallNanos: UInt64 = 0
    public var disconnected = 0
    public var failure: String?

    public var deliveriesPerSecond: Double {
        sendNanos == 0 ? 0 : Double(delivered) / (Double(sendNanos) / 1e9)
    }

    /// Clean: everyone joined, everything arrived once, in order, nobody was cut off.
    public var ok: Bool {
        failure == nil && joined == clients && lost == 0 && outOfOrder == 0 && duplicates == 0
            && delivered == expected && disconnected == 0
    }

    public var text: String {
        func ms(_ ns: UInt64) -> String { fixed(Double(ns) / 1e6, 1) + " ms" }
        // Latencies in ms too, as every other time here (issue #15), with µs still to be read.
        func latency(_ ns: UInt64) -> String { fixed(Double(ns) / 1e6, 3) + " ms" }
        let cpu = Double(cpuUserNanos + cpuSystemNanos)
        var lines = [
            "clients joined      \(joined) of \(clients) in \(ms(joinNanos))",
            "deliveries expected \(expected)",
            "deliveries made     \(delivered)",
            "lost                \(lost)",
            "out of order        \(outOfOrder)",
            "duplicates          \(duplicates)",
            "deliveries/s        \(fixed(deliveriesPerSecond, 0)) (over \(ms(sendNanos)))",
            "latency             p50 \(latency(p50))  p99 \(latency(p99))  max \(latency(max))",
            "bench CPU           \(fixed(Double(cpuUserNanos) / 1e9, 2)) s user + \(fixed(Double(cpuSystemNanos) / 1e9, 2)) s sys"
                + " in \(fixed(Double(wallNanos) / 1e9, 2)) s wall (\(fixed(wallNanos == 0 ? 0 : 100 * cpu / Double(wallNanos), 0)) % of one core)",
        ]
        if otherFrames > 0 || foreign > 0 { lines.append("other frames        \(otherFrames) (not ours: \(foreign))") }
        if disconnected > 0 { lines.append("disconnected        \(disconnected)") }
        if let failure { lines.append("FAILED              \(failure)") }
        return lines.joined(separator: "\n")
    }

    public var json: String {
        var fields: [(String, String)] = [
            ("clients", "\(clients)"), ("joined", "\(joined)"), ("join_ms", fixed(Double(joinNanos) / 1e6, 1)),
            ("expected", "\(expected)"), ("delivered", "\(delivered)"), ("lost", "\(lost)"),
            ("out_of_order", "\(outOfOrder)"), ("duplicates", "\(duplicates)"), ("other_frames", "\(otherFrames)"),
            ("deliveries_per_s", fixed(deliveriesPerSecond, 0)), ("send_ms", fixed(Double(sendNanos) / 1e6, 1)),
            ("p50_us", fixed(Double(p50) / 1e3, 1)), ("p99_us", fixed(Double(p99) / 1e3, 1)),
            ("max_us", fixed(Double(max) / 1e3, 1)),
            ("cpu_user_s", fixed(Double(cpuUserNanos) / 1e9, 3)), ("cpu_sys_s", fixed(Double(cpuSystemNanos) / 1e9, 3)),
            ("wall_s", fixed(Double(wallNanos) / 1e9, 3)), ("disconnected", "\(disconnected)"),
            ("ok", ok ? "true" : "false"),
        ]
        if let failure { fields.append(("failure", "\"" + String(failure.map { $0 == "\"" || $0 == "\\" ? "'" : $0 }) + "\"")) }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}\n"
    }
}

/// A number with `digits` decimals, without Foundation.
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "0" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let n = Int64((abs(value) * scale).rounded())
    let whole = n / Int64(scale), frac = n % Int64(scale)
    var text = (value < 0 && n != 0 ? "-" : "") + String(whole)
    if digits > 0 {
        let f = String(frac)
        text += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return text
}
