/// How the runtime treats its connections: the limits that are not chat rules, so they live
/// here and not in the core. Each has one home and a flag in the command line.
public struct RuntimeOptions: Sendable {
    /// Bytes a connection's output queue may hold before the server stops reading new input
    /// from everyone (backpressure) and starts that connection's stall clock.
    public static let defaultMaxOutputBytes = 1 << 20
    /// How long a reader the room waits for may take no output before it is disconnected
    /// (see `FlowControl`).
    public static let defaultStallTimeoutMillis = 5_000
    /// How long after its first byte a frame must be complete.
    public static let defaultFrameTimeoutMillis = 30_000
    /// The log's and the transcript's buffer while their reader does not keep up; lines that
    /// do not fit are dropped and counted.
    static let outputBufferBytes = 256 * 1024
    /// The recording's buffer while its reader (a pipe, a FIFO) does not keep up; the
    /// recording stops if it fills.
    static let recordingBufferBytes = 16 << 20
    /// Retry period for output waiting on a descriptor epoll cannot watch.
    static let outputRetryMillis: Int64 = 50
    /// At quit: how long output may make no progress before the connections are closed anyway.
    static let quitFlushMillis: Int64 = 2_000
    /// A closed connection's last output, and the peer's close, are awaited this long.
    static let closeLingerMillis: Int64 = 2_000
    /// Pause of accepting after the process ran out of descriptors.
    static let acceptRetryMillis: Int64 = 100
    /// How long a TLS 1.3 client waits for a sign (a session ticket, data) that the server
    /// accepted its certificate before going on without one.
    static let tlsVerdictMillis: Int64 = 1000
    /// Read size: large, so a busy connection costs few syscalls.
    package static let readChunkBytes = 64 * 1024
    /// Chunks gathered into one writev call.
    package static let maxIovecs = 1024

    public var maxOutputBytes: Int
    public var stallTimeoutMillis: Int
    public var frameTimeoutMillis: Int
    /// Headless client: standard input lines are messages.
    public var readsStandardInput: Bool
    /// Mutual TLS on every connection (`--ssl`), nil for plain TCP.
    public var tls: TLSContext?
    /// Certificates (SHA-256 fingerprints) that are ops from the start (`--op`): how a headless
    /// server, which has no host user, gets its first op.
    public var ops: [String] = []
    /// A bug planted on purpose, for tests that show they catch it; never set in production.
    package var plantedBug: RuntimePlantedBug?

    public init(maxOutputBytes: Int = defaultMaxOutputBytes, stallTimeoutMillis: Int = defaultStallTimeoutMillis,
                frameTimeoutMillis: Int = defaultFrameTimeoutMillis, readsStandardInput: Bool = false) {
        self.maxOutputBytes = maxOutputBytes
        self.stallTimeoutMillis = stallTimeoutMillis
        self.frameTimeoutMillis = frameTimeoutMillis
        self.readsStandardInput = readsStandardInput
    }

    /// The disconnect reason of a stalled reader, e.g. "stopped reading: took no output for 5 s
    /// while the room waited for it".
    package var stallReason: String {
        "stopped reading: took no output for \(Self.secondsText(stallTimeoutMillis)) s while the room waited for it"
    }

    /// The disconnect reason of a peer that left a frame unfinished.
    package var frameTimeoutReason: String {
        "frame unfinished \(Self.secondsText(frameTimeoutMillis)) s after its first byte"
    }

    static func bytesText(_ n: Int) -> String {
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }

    static func secondsText(_ millis: Int) -> String {
        if millis % 1000 == 0 { return "\(millis / 1000)" }
        let tenths = (millis + 50) / 100
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Bugs the runtime's tests must catch, each a switch in the part it breaks: the flow-control
/// and timer bugs that lived (or could live) where the simulations of the core never looked.
package enum RuntimePlantedBug: Sendable, CaseIterable {
    /// Flow control drops a reader as soon as the room waits for it, not a stall timeout later.
    case stallDropsAtOnce
    /// Flow control never drops a stalled reader: the room waits for it for ever.
    case stallNeverDrops
    /// The loop counts the events of a wait from the time before the wait (the idle-server
    /// bug: a newcomer's join deadline had passed when it arrived).
    case deadlineFromBeforeWait
    /// Flow control never pauses reading, however long a reader's queue.
    case neverPauses
    /// Flow control drops a peer's unfinished frame at half its deadline.
    case frameDropsEarly
    /// Flow control never drops a peer that stopped in the middle of a frame.
    case frameNeverDrops
}
