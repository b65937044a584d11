import ChatIO
import ChatState
import Glibc

/// The bench's yardstick: the least a PyChat server can do. It answers a JoinRequest with a
/// ServerInfo and copies every chat frame, as it came, into the output buffer of every other
/// joined connection; no JSON, no names, no announcements. `pychat bench` run against it shows
/// what the bench itself can absorb, and so whether a server or the bench was the limit.
public final class BenchRelay {
    final class Peer {
        let id: Int
        let fd: Int32
        var joined = false
        var partial: [UInt8] = []
        /// Plain connections: shared chunks, as in the server. TLS: ciphertext of its own.
        var queue = OutputQueue()
        var out = PendingBytes()
        var registered = Interest.readOnly
        var tls: TLSEngine?
        var over = false
        var marked = false
        init(id: Int, fd: Int32) {
            self.id = id
            self.fd = fd
        }
        var pending: Int { queue.byteCount + out.count }
        deinit { queue.removeAll() }
    }

    public let port: Int
    let listener: Listener
    let loop: EventLoop
    let tls: TLSContext?
    var peers: [Int: Peer] = [:]
    /// Joined peers in order of joining: the recipients of every chat frame.
    var members: [Peer] = []
    var nextID = 0
    var dirty: [Peer] = []
    let readBuffer: UnsafeMutableRawPointer
    static let readBufferSize = 256 * 1024
    let iovecs = UnsafeMutableBufferPointer<iovec>.allocate(capacity: RuntimeOptions.maxIovecs)
    /// Over this much queued output for any peer, nobody is read (backpressure, no drops).
    static let maxOutput = 4 << 20
    var overCount = 0
    var paused = false
    var plaintext: [UInt8] = []

    public init(host: String, port: Int, tls: TLSContext? = nil) throws(StartupError) {
        do {
            listener = try Listener(host: host, port: port)
            loop = try EventLoop()
            try loop.add(listener.fd, .listener, .readOnly)
        } catch let e as ListenError {
            throw StartupError(e.description)
        } catch {
            throw StartupError("\(error)")
        }
        self.port = listener.port
        self.tls = tls
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        Sys.raiseDescriptorLimit()
    }

    deinit {
        readBuffer.deallocate()
        iovecs.deallocate()
        for p in peers.values { close(p.fd) }
    }

    /// Serves until the process ends.
    public func run() -> Never {
        while true {
            loop.wait(timeoutMillis: -1) { r in
                switch r.token {
                case .listener: accept()
                case .connection(let id):
                    guard let p = peers[Int(id)] else { return }
                    if (r.readable || r.failed) && !paused { read(p) }
                    if r.writable, peers[p.id] != nil { flush(p) }
                default: break
                }
            }
            let batch = dirty
            dirty.removeAll(keepingCapacity: true)
            for p in batch where peers[p.id] === p {
                p.marked = false
                flush(p)
            }
        }
    }

    func accept() {
        for _ in 0..<64 {
            guard case let .connection(fd, _, _) = listener.accept() else { return }
            let p = Peer(id: nextID, fd: fd)
            nextID += 1
            if let tls {
                guard let engine = try? TLSEngine(context: tls) else { close(fd); continue }
                p.tls = engine
            }
            p.registered = Interest(read: !paused, write: false)
            try? loop.add(fd, .connection(UInt64(p.id)), p.registered)
            peers[p.id] = p
        }
    }

    func read(_ p: Peer) {
        let n = Glibc.read(p.fd, readBuffer, Self.readBufferSize)
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) {
            drop(p)
            return
        }
        guard n > 0 else { return }
        if let engine = p.tls {
            do {
                try engine.open(UnsafeRawBufferPointer(start: readBuffer, count: n), into: &plaintext, answers: &p.out)
            } catch {
                drop(p)
                return
            }
            if p.pending > 0 { mark(p) }
            plaintext.withUnsafeBytes { consume(p, $0.baseAddress, $0.count) }
        } else {
            consume(p, readBuffer, n)
        }
    }

    /// Chat frames that lie one after another in what was read are copied to each member as
    /// one span (a server that batches its writes does the same); the others one by one.
    func consume(_ p: Peer, _ base: UnsafeRawPointer?, _ count: Int) {
        guard let base else { return }
        let chunk = base.assumingMemoryBound(to: UInt8.self)
        var span: (start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)?
        func relaySpan() {
            guard let (start, end) = span else { return }
            let bytes = UnsafeBufferPointer(start: start, count: end - start)
            let shared = Chunk(Array(bytes))
            for m in members where m !== p { send(bytes, to: m, shared: shared) }
            span = nil
        }
        StreamFrames.split(&p.partial, base, count) { f, whole in
            // A frame completed from `partial` lives only during this call: never in a span.
            let inChunk = f >= chunk && f < chunk + count
            guard p.joined, inChunk, whole > 5, f[4] == 1 else {
                relaySpan()
                frame(p, f, whole)
                return
            }
            if let (start, end) = span, end == f {
                span = (start, f + whole)
            } else {
                relaySpan()
                span = (f, f + whole)
            }
        }
        relaySpan()
    }

    /// One whole frame, header included.
    func frame(_ p: Peer, _ f: UnsafePointer<UInt8>, _ count: Int) {
        guard count > 5, f[4] == 1 else { return }
        if !p.joined {
            guard BenchText.hasSuffix(f + 5, count - 5, BenchText.joinSuffix) else { return }
            p.joined = true
            members.append(p)
            // 00000000-0000-4000-8000-<id in 12 hex digits>: a version-4 uid that names the peer.
            let uid = UID(high: 0x4000, low: 0x8000_0000_0000_0000 | UInt64(p.id))
            let me = WireUser(uid: uid, username: "relay", color: "000000")
            send(FrameCodec.frame(.serverInfo(users: [UserEntry(me, key: uid)], uid: uid)), to: p)
            return
        }
        let bytes = UnsafeBufferPointer(start: f, count: count)
        let shared = Chunk(Array(bytes))
        for m in members where m !== p { send(bytes, to: m, shared: shared) }
    }

    /// Queues `bytes` for `m`: the shared chunk of them for a plain connection, sealed for TLS.
    func send(_ bytes: some Collection<UInt8>, to m: Peer, shared: Chunk? = nil) {
        if let engine = m.tls {
            guard (try? engine.seal(Array(bytes), into: &m.out)) != nil else { return }
        } else {
            m.queue.append(shared ?? Chunk(Array(bytes)))
        }
        mark(m)
        updateFlow(m)
    }

    func mark(_ p: Peer) {
        if !p.marked {
            p.marked = true
            dirty.append(p)
        }
    }

    func flush(_ p: Peer) {
        let result = p.tls == nil ? p.queue.write(to: p.fd, iovecs: iovecs) : p.out.write(to: p.fd)
        if case .failed = result {
            drop(p)
            return
        }
        updateFlow(p)
        updateInterest(p)
    }

    func updateFlow(_ p: Peer) {
        let over = p.pending > Self.maxOutput
        if over != p.over {
            p.over = over
            overCount += over ? 1 : -1
        }
        let pause = overCount > 0
        if pause != paused {
            paused = pause
            for q in peers.values { updateInterest(q) }
        }
    }

    func updateInterest(_ p: Peer) {
        guard peers[p.id] === p else { return }
        let want = Interest(read: !paused, write: p.pending > 0)
        if want != p.registered {
            p.registered = want
            loop.modify(p.fd, .connection(UInt64(p.id)), want)
        }
    }

    func drop(_ p: Peer) {
        guard peers.removeValue(forKey: p.id) != nil else { return }
        loop.remove(p.fd)
        close(p.fd)
        if p.over { overCount -= 1 }
        if p.joined { members.removeAll { $0 === p } }
        p.out.removeAll()
        p.queue.removeAll()
        updateFlow(p)
    }
}
