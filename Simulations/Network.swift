import ChatState

/// One direction of a simulated TCP connection. It carries bytes, not messages: a write is cut
/// into segments at random points, each segment arrives at its own tick, and a read takes
/// whatever has arrived, so frames cross segment boundaries and several writes coalesce.
/// Arrival times never decrease, so bytes stay in order as TCP keeps them.
struct Pipe {
    private struct Segment {
        var at: Int
        var bytes: [UInt8]
    }

    private var segments: [Segment] = []
    private var head = 0
    /// Bytes of `segments[head]` already read (a slow reader's part of a segment): kept as an
    /// offset, not cut off the segment's front, which moved the rest of it at every read.
    private var headOffset = 0
    private var lastArrival = 0
    /// Bytes written and not yet read: what a real socket's send and receive buffers hold.
    private(set) var queuedBytes = 0
    /// The writer closed: once every byte is read, the reader sees the end of the stream.
    var finished = false

    var isEmpty: Bool { queuedBytes == 0 }

    /// Arrival tick of the next unread segment.
    var nextArrival: Int? { head < segments.count ? segments[head].at : nil }

    mutating func write(_ bytes: [UInt8], now: Int, latency: ClosedRange<Int>, rng: inout SimRandom) {
        guard !bytes.isEmpty, !finished else { return }
        queuedBytes += bytes.count
        var cuts = bytes.count > 1 ? rng.below(3) : 0
        var from = 0
        while from < bytes.count {
            let to = cuts == 0 ? bytes.count : min(bytes.count, from + 1 + rng.below(max(1, bytes.count - from)))
            cuts -= 1
            lastArrival = max(lastArrival, now + rng.int(in: latency))
            // A write that goes as one segment keeps its array (most do): no copy.
            segments.append(Segment(at: lastArrival, bytes: from == 0 && to == bytes.count ? bytes : Array(bytes[from..<to])))
            from = to
        }
    }

    /// Everything that has arrived by `now`, at most `limit` bytes (a slow reader takes less).
    mutating func read(now: Int, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        while head < segments.count, segments[head].at <= now, out.count < limit {
            let room = limit - out.count
            let left = segments[head].bytes.count - headOffset
            if left <= room {
                if out.isEmpty && headOffset == 0 {
                    // The first whole segment is taken as it is, not copied.
                    swap(&out, &segments[head].bytes)
                } else {
                    out.append(contentsOf: segments[head].bytes[headOffset...])
                }
                head += 1
                headOffset = 0
            } else {
                out.append(contentsOf: segments[head].bytes[headOffset..<(headOffset + room)])
                headOffset += room
            }
        }
        queuedBytes -= out.count
        if head > 64, head * 2 > segments.count {
            segments.removeFirst(head)
            head = 0
        }
        return out
    }

    /// A reset: whatever was in flight is lost.
    mutating func discard() {
        segments = []
        head = 0
        headOffset = 0
        queuedBytes = 0
    }
}

/// The simulated connection between the server and one client, with its faults.
struct Link {
    let conn: ConnID
    /// Client to server.
    var up = Pipe()
    /// Server to client.
    var down = Pipe()
    /// Partitioned: nothing moves in either direction before this tick; bytes are held, not lost.
    var heldUntil = 0
    /// A slow reader: the client reads at most this many bytes per delivery (0: a client
    /// process that hangs and reads nothing until the liveness phase).
    var slowReader: Int?
    /// Deliver in tiny pieces (a few bytes each): the worst case for the frame decoders.
    var trickle = false
    /// The server still has this connection (it has not closed it nor been told it ended).
    var serverOpen = true
    /// The client still has this connection.
    var clientOpen = true
    /// A reset the server learns of at this tick (RST travels too).
    var serverResetAt: Int?
    /// A reset the client learns of at this tick (a cut partition, a dropped slow consumer).
    var clientResetAt: Int?
    /// When the server last wrote anything to it (the client's kernel took output).
    var tookOutputAt: Int?

    init(conn: ConnID) { self.conn = conn }

    var isDead: Bool { !serverOpen && !clientOpen }

    /// The earliest tick at which something on this link can happen, for the liveness phase.
    /// `serverReads`: the server's runtime watches it for input (not paused).
    func nextActivity(after now: Int, serverReads: Bool) -> Int? {
        var m: Int?
        func consider(_ t: Int) { m = min(m ?? t, t) }
        if serverOpen {
            if serverReads, let a = up.nextArrival { consider(a) }
            if let r = serverResetAt { consider(r) }
            if serverReads && up.finished && up.isEmpty { consider(now) }
        }
        if clientOpen {
            if let a = down.nextArrival { consider(a) }
            if down.finished && down.isEmpty { consider(now) }
        }
        return m.map { max($0, heldUntil) }
    }
}

/// The network's fixed parameters for one session.
struct NetworkModel {
    /// One-way latency of a segment, in ticks (milliseconds).
    var latency: ClosedRange<Int>
    /// The kernel's buffers towards a client (the server's send buffer and the client's
    /// receive buffer): past them a write takes what fits, then would block, and the rest
    /// waits in the runtime's output queue under its flow control.
    var maxQueuedBytes: Int
    /// Cut a delivery into up to this many extra pieces at random points.
    var maxExtraCuts: Int

    static let defaultMaxQueuedBytes = 256 * 1024
}

extension SimRandom {
    /// Cuts `bytes` at random points: a read never lines up with frames.
    mutating func chunks(_ bytes: [UInt8], trickle: Bool, maxExtraCuts: Int) -> [[UInt8]] {
        if bytes.count <= 1 { return [bytes] }
        if trickle && bytes.count <= 512 {
            var out: [[UInt8]] = []
            var i = 0
            while i < bytes.count {
                let n = min(bytes.count - i, 1 + below(7))
                out.append(Array(bytes[i..<i + n]))
                i += n
            }
            return out
        }
        let cuts = below(maxExtraCuts + 1)
        if cuts == 0 { return [bytes] }
        var points = (0..<cuts).map { _ in 1 + below(bytes.count - 1) }
        points.sort()
        var out: [[UInt8]] = []
        var from = 0
        for p in points where p > from {
            out.append(Array(bytes[from..<p]))
            from = p
        }
        out.append(Array(bytes[from...]))
        return out
    }
}
