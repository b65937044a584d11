import ChatIO
import ChatState
import Glibc

/// One simulated chat client of the bench.
final class BenchPeer {
    enum State { case connecting, joining, joined, closed }

    let index: Int
    let fd: Int32
    var state = State.connecting
    var tls: TLSEngine?
    /// A frame cut by the end of a read, kept for the next one.
    var partial: [UInt8] = []
    /// Bytes for the socket (ciphertext with TLS) and how far they are written.
    var out = PendingBytes()
    /// This client's ChatMessage frame; `stamp` fills in each message.
    var frame: [UInt8] = []
    var textOffset = 0
    var sent = 0
    var registered = Interest(read: false, write: true)

    init(index: Int, fd: Int32) {
        self.index = index
        self.fd = fd
    }

    var hasOutput: Bool { !out.isEmpty }
}

/// The load generator: C clients on one epoll loop, each joining, then sending M messages of
/// S bytes at R per second, every received message checked (loss, duplicates, order per sender)
/// and timed. Single-threaded and allocation-free on the receiving path, so that one process
/// absorbs millions of deliveries per second.
public final class BenchClient {
    let options: BenchOptions
    let loop: EventLoop
    var peers: [BenchPeer] = []
    /// The address the first client reached; the others connect to it.
    let address: ResolvedAddress
    /// The first client's socket, connected before the loop starts so that a server that is
    /// not there is one clear line ("cannot connect to ...: Connection refused"), as for a
    /// client, and not C failed joins.
    var firstFD: Int32?

    var opened = 0
    var joinedCount = 0
    var pendingJoins = 0
    var lastJoinActivity: UInt64 = 0
    var startTime: UInt64 = 0
    var sendStart: UInt64 = 0
    var lastReceive: UInt64 = 0
    var sending = false
    var cursor = 0
    var allSent = false

    /// next[r * C + s]: the sequence number receiver r expects from sender s.
    var next: UnsafeMutablePointer<UInt32>?
    /// (pair << 32 | seq) of messages skipped by a gap, so a late one is told from a duplicate.
    var missing = Set<UInt64>()
    var histogram = LatencyHistogram()
    var report = BenchReport()

    let readBuffer: UnsafeMutableRawPointer
    static let readBufferSize = 256 * 1024
    /// Plaintext out of TLS, reused.
    var plaintext: [UInt8] = []
    var dirty: [BenchPeer] = []

    public init(options: BenchOptions) throws(StartupError) {
        self.options = options
        do {
            loop = try EventLoop()
        } catch {
            throw StartupError(error.description)
        }
        let first: Dialer.Dialled
        do {
            first = try Dialer.connect(host: options.host, port: options.port)
        } catch {
            throw StartupError(error.description)
        }
        address = first.address
        firstFD = first.fd
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        plaintext.reserveCapacity(64 * 1024)
        Sys.raiseDescriptorLimit()
    }

    deinit {
        readBuffer.deallocate()
        next?.deallocate()
        if let firstFD { close(firstFD) }
        for p in peers where p.state != .closed { close(p.fd) }
    }

    static func now() -> UInt64 { Sys.monotonicNanos() }

    public func run() -> BenchReport {
        let c = options.clients
        report.clients = c
        startTime = Self.now()
        lastJoinActivity = startTime
        var usageBefore = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usageBefore)
        openMore()
        let quiet = UInt64(options.joinQuietMillis) * 1_000_000
        let idle = UInt64(options.idleTimeoutMillis) * 1_000_000
        let perMessage = options.rate > 0 ? 1e9 / (options.rate * Double(c)) : 0
        while true {
            var timeout: Int32 = 100
            if sending && options.rate > 0 && !allSent {
                let due = sendStart + UInt64(Double(cursor) * perMessage)
                let t = Self.now()
                timeout = due <= t ? 0 : Int32(min(100, (due - t) / 1_000_000))
            }
            loop.wait(timeoutMillis: timeout) { handle($0) }
            let t = Self.now()
            if !sending {
                if joinedCount == c && t - lastJoinActivity >= quiet {
                    report.joined = joinedCount
                    report.joinNanos = lastJoinActivity - startTime
                    if options.messages == 0 { break }
                    startSending(t)
                    // Sending starts now, not after the next wait.
                } else if t - startTime > UInt64(options.joinTimeoutMillis) * 1_000_000 {
                    report.joined = joinedCount
                    report.failure = "only \(joinedCount) of \(c) clients joined within \(options.joinTimeoutMillis / 1000) s"
                    break
                } else if report.disconnected > 0 && opened == c && joinedCount + report.disconnected == c {
                    report.joined = joinedCount
                    report.failure = "\(report.disconnected) clients were disconnected while joining"
                    break
                }
            }
            if sending {
                if options.rate > 0 {
                    sendDue(t)
                } else {
                    for p in peers where p.state == .joined && p.sent < options.messages && !p.hasOutput { fill(p, t) }
                    allSent = !peers.contains { $0.state == .joined && $0.sent < options.messages }
                }
                // Duplicates are deliveries too: a repeated message must not end the run while
                // one it stands in for is still on its way (it would be counted lost).
                if report.delivered - report.duplicates >= report.expected && allSent { break }
                if allSent && t - lastReceive > idle { break }
                if report.disconnected == c { break }
            }
            flushDirty()
        }
        finish(usageBefore)
        return report
    }

    // MARK: Connecting and joining

    /// Opens connections while fewer than `connectWindow` are still on their way to joining.
    func openMore() {
        while opened < options.clients && pendingJoins < options.connectWindow {
            let i = opened
            opened += 1
            let started = firstFD.map { Result<Int32, SystemError>.success($0) } ?? Dialer.begin(address)
            firstFD = nil
            // A client that has no socket still takes its index, so that peers[i] stays client i.
            let p = BenchPeer(index: i, fd: (try? started.get()) ?? -1)
            peers.append(p)
            pendingJoins += 1
            if case .failure(let error) = started {
                lose(p, error.description)
                continue
            }
            try? loop.add(p.fd, .connection(UInt64(i)), p.registered)
        }
    }

    func connected(_ p: BenchPeer) {
        let error = Dialer.pendingError(p.fd)
        if error != 0 {
            lose(p, "connect: \(Sys.message(error))")
            return
        }
        p.state = .joining
        if let context = options.tls {
            do {
                let engine = try TLSEngine(context: context, serverName: options.host)
                p.tls = engine
                try engine.handshake()
            } catch {
                lose(p, "TLS: \(error.description)")
                return
            }
        }
        send(p, BenchText.joinRequest(name: "\(options.namePrefix)\(p.index)"))
    }

    /// Queues one frame for the server, sealed under TLS.
    func send(_ p: BenchPeer, _ frame: [UInt8]) {
        if let engine = p.tls {
            do {
                try engine.seal(frame, into: &p.out)
            } catch {
                lose(p, "TLS: \(error.description)")
                return
            }
        } else {
            // Appended here, where Array's append is specialized: PendingBytes' generic
            // append(contentsOf:) is not, from another module (1 200 instructions a frame).
            p.out.appendInPlace { $0.append(contentsOf: frame) }
        }
        markDirty(p)
    }

    func lose(_ p: BenchPeer, _ why: String) {
        guard p.state != .closed else { return }
        if p.state != .joined { pendingJoins -= 1 }
        p.state = .closed
        if p.fd >= 0 {
            loop.remove(p.fd)
            close(p.fd)
        }
        report.disconnected += 1
        if report.failure == nil { report.failure = "client \(p.index): \(why)" }
        openMore()
    }

    // MARK: Sending

    func startSending(_ t: UInt64) {
        let c = options.clients
        report.expected = UInt64(c) * UInt64(max(c - 1, 0)) * UInt64(options.messages)
        next = .allocate(capacity: c * c)
        next!.initialize(repeating: 0, count: c * c)
        sending = true
        sendStart = t
        lastReceive = t
    }

    /// Paced sending: message k of client i is due at start + (k·C + i) / (R·C) seconds, so the
    /// clients take turns evenly.
    func sendDue(_ t: UInt64) {
        let c = options.clients
        let total = c * options.messages
        let perMessage = 1e9 / (options.rate * Double(c))
        while cursor < total && sendStart + UInt64(Double(cursor) * perMessage) <= t {
            let p = peers[cursor % c]
            cursor += 1
            if p.state == .joined { append(p, t) }
        }
        allSent = cursor >= total
    }

    /// Unpaced sending: up to 32 KiB of messages whenever the previous ones are written.
    func fill(_ p: BenchPeer, _ t: UInt64) {
        var budget = max(1, 32 * 1024 / p.frame.count)
        while budget > 0 && p.sent < options.messages {
            append(p, t)
            budget -= 1
        }
    }

    func append(_ p: BenchPeer, _ t: UInt64) {
        let seq = UInt32(p.sent)
        p.sent += 1
        let offset = p.textOffset
        p.frame.withUnsafeMutableBufferPointer { BenchText.stamp($0.baseAddress! + offset, seq: seq, time: t) }
        send(p, p.frame)
    }

    func markDirty(_ p: BenchPeer) {
        dirty.append(p)
    }

    func flushDirty() {
        for p in dirty where p.state != .closed { flush(p) }
        dirty.removeAll(keepingCapacity: true)
    }

    func flush(_ p: BenchPeer) {
        if case .failed(let code) = p.out.write(to: p.fd) {
            lose(p, "send: \(Sys.message(code))")
            return
        }
        let want = Interest(read: true, write: p.hasOutput || (sending && options.rate == 0 && p.sent < options.messages))
        if want != p.registered {
            p.registered = want
            loop.modify(p.fd, .connection(UInt64(p.index)), want)
        }
    }

    // MARK: Receiving

    func handle(_ r: Readiness) {
        guard case .connection(let id) = r.token else { return }
        let p = peers[Int(id)]
        if p.state == .connecting {
            if r.writable || r.failed { connected(p) }
            return
        }
        if r.readable || r.failed { read(p) }
        if r.writable && p.state != .closed {
            if sending && options.rate == 0 && p.sent < options.messages && !p.hasOutput { fill(p, Self.now()) }
            flush(p)
        }
    }

    func read(_ p: BenchPeer) {
        for _ in 0..<4 {
            let n = Glibc.read(p.fd, readBuffer, Self.readBufferSize)
            if n > 0 {
                let t = Self.now()
                if let engine = p.tls {
                    do {
                        try engine.open(UnsafeRawBufferPointer(start: readBuffer, count: n), into: &plaintext,
                                        answers: &p.out)
                    } catch {
                        lose(p, "TLS: \(error.description)")
                        return
                    }
                    if p.hasOutput { markDirty(p) }
                    plaintext.withUnsafeBytes { consume(p, $0.baseAddress, $0.count, t) }
                } else {
                    consume(p, UnsafeRawPointer(readBuffer), n, t)
                }
                if n < Self.readBufferSize { return }
            } else if n == 0 {
                lose(p, "the server closed the connection")
                return
            } else {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { lose(p, "read: \(Sys.message(errno))") }
                return
            }
        }
    }

    /// Splits a stream chunk into frames, the cut one at the end kept for the next chunk.
    func consume(_ p: BenchPeer, _ base: UnsafeRawPointer?, _ count: Int, _ t: UInt64) {
        StreamFrames.split(&p.partial, base, count) { f, whole in frame(p, f + 4, whole - 4, t) }
    }

    func frame(_ p: BenchPeer, _ f: UnsafePointer<UInt8>, _ length: Int, _ t: UInt64) {
        guard length > 1, f[0] == 1 else {
            report.otherFrames += 1
            return
        }
        switch BenchText.scan(f + 1, length - 1) {
        case let .chat(sender, seq, time):
            received(by: p.index, from: sender, seq: seq, time: time, t)
        case .serverInfo(let uidOffset):
            if !sending { lastJoinActivity = t } else { report.otherFrames += 1 }
            if p.state == .joining {
                p.state = .joined
                joinedCount += 1
                pendingJoins -= 1
                let uid = Array(UnsafeBufferPointer(start: f + 1 + uidOffset, count: 36))
                (p.frame, p.textOffset) = BenchText.chatFrame(uid: uid, sender: p.index, size: options.size)
                openMore()
            }
        case .system:
            if !sending { lastJoinActivity = t } else { report.otherFrames += 1 }
        case .foreignChat:
            report.foreign += 1
            report.otherFrames += 1
        case .joinRequest, .other:
            report.otherFrames += 1
        }
    }

    @inline(__always)
    func received(by r: Int, from s: Int, seq: UInt32, time: UInt64, _ t: UInt64) {
        let c = options.clients
        guard let next, s < c, s != r, Int(seq) < options.messages else {
            report.foreign += 1
            report.otherFrames += 1
            return
        }
        lastReceive = t
        report.delivered += 1
        histogram.record(t >= time ? t - time : 0)
        let pair = r * c + s
        let expected = next[pair]
        if seq == expected {
            next[pair] = seq + 1
        } else if seq > expected {
            // A gap: the skipped ones are lost unless they turn up later.
            if seq - expected <= 1_000_000 {
                for q in expected..<seq { missing.insert(UInt64(pair) << 32 | UInt64(q)) }
            }
            next[pair] = seq + 1
        } else if missing.remove(UInt64(pair) << 32 | UInt64(seq)) != nil {
            report.outOfOrder += 1
        } else {
            report.duplicates += 1
        }
    }

    func finish(_ before: rusage) {
        let end = Self.now()
        report.wallNanos = end - startTime
        if sending { report.sendNanos = lastReceive - sendStart }
        if let next {
            let c = options.clients
            var arrivedInOrder: UInt64 = 0
            for r in 0..<c {
                for s in 0..<c where s != r { arrivedInOrder += UInt64(min(Int(next[r * c + s]), options.messages)) }
            }
            report.lost = report.expected - min(report.expected, arrivedInOrder) + UInt64(missing.count)
        }
        report.p50 = histogram.percentile(0.50)
        report.p99 = histogram.percentile(0.99)
        report.max = histogram.max
        var after = rusage()
        getrusage(RUSAGE_SELF.rawValue, &after)
        func nanos(_ a: timeval, _ b: timeval) -> UInt64 {
            UInt64(max(0, (Int64(b.tv_sec) - Int64(a.tv_sec)) * 1_000_000_000 + (Int64(b.tv_usec) - Int64(a.tv_usec)) * 1000))
        }
        report.cpuUserNanos = nanos(before.ru_utime, after.ru_utime)
        report.cpuSystemNanos = nanos(before.ru_stime, after.ru_stime)
        for p in peers where p.state != .closed {
            p.state = .closed
            loop.remove(p.fd)
            close(p.fd)
        }
    }
}
