import ChatIO
import ChatState
import Glibc

/// The operating system the server's real `Runtime` runs on in a simulation: its sockets are
/// the server's ends of the simulated links (`Link`), readiness is derived from the links'
/// pipes, and the clock is the simulator's (a `ManualClock` it moves). The kernel's buffers are
/// `NetworkModel.maxQueuedBytes` per link towards the client: a writev past them takes what
/// fits, then EAGAIN, so a slow client backs up into the runtime's own output queue and its
/// flow control, exactly as over TCP. Every fault of the network stays the simulator's: reads
/// are cut at random points (or trickle a few bytes at a time), partitions hold the link,
/// resets fail the socket with ECONNRESET. Signals, the terminal and TLS are not simulated.
final class SimulatedOS: OperatingSystem {
    /// The network, by the server's id of each connection (set when the runtime accepts it).
    var links: [ConnID: Link] = [:]
    var rng: SimRandom
    let network: NetworkModel
    /// The simulated time, as the simulator last set it.
    var now = 0
    /// Connections dialled by clients and not yet accepted: from where.
    var backlog: [(remote: String, address: String)] = []
    /// The handle of the last connection accepted, until the simulator binds it to its link.
    var lastAccepted: Int32?
    /// Whether the last `wait` had anything to report (the simulator runs turns until not).
    private(set) var reported = false
    /// The process was killed mid-turn (see `ServerRestart.swift`): nothing it writes from now
    /// leaves it, and it reads nothing more.
    var crashed = false

    static let listenerHandle: Int32 = 3
    private static let firstSocket: Int32 = 16

    private struct Socket {
        var conn: ConnID?
        var token: Token = .listener
        var interest = Interest.none
        var watched = false
        var open = true
    }

    /// Sockets by handle minus `firstSocket`; handles are never reused within a run.
    private var sockets: [Socket] = []
    /// Open socket handles in ascending order: iteration never depends on a hash.
    private var live: [Int32] = []
    private var listenerInterest: Interest?

    init(seed: UInt64, network: NetworkModel) {
        rng = SimRandom(seed: seed)
        self.network = network
    }

    /// The runtime announced the last accepted connection as `conn`: its link exists from now.
    func bindLastAccepted(to conn: ConnID) -> Bool {
        guard let h = lastAccepted else { return false }
        lastAccepted = nil
        sockets[Int(h - Self.firstSocket)].conn = conn
        links[conn] = Link(conn: conn)
        return true
    }

    /// Whether the server side reads this connection now (its interest, as registered).
    func serverReads(_ conn: ConnID) -> Bool {
        live.contains { sockets[Int($0 - Self.firstSocket)].conn == conn && sockets[Int($0 - Self.firstSocket)].interest.read }
    }

    private func socket(_ h: Int32) -> Socket? {
        let i = Int(h - Self.firstSocket)
        guard i >= 0, i < sockets.count, sockets[i].open else { return nil }
        return sockets[i]
    }

    private func resetDue(_ l: Link) -> Bool { l.serverResetAt.map { $0 <= now } ?? false }

    // MARK: Readiness

    func add(_ handle: Int32, _ token: Token, _ interest: Interest) throws(SystemError) {
        if handle == Self.listenerHandle {
            listenerInterest = interest
            return
        }
        let i = Int(handle - Self.firstSocket)
        // The log's stream (on /dev/null) never waits, so nothing else is ever added.
        guard i >= 0, i < sockets.count, sockets[i].open else { throw SystemError("epoll_ctl", EPERM) }
        sockets[i].token = token
        sockets[i].interest = interest
        sockets[i].watched = true
    }

    func modify(_ handle: Int32, _ token: Token, _ interest: Interest) {
        if handle == Self.listenerHandle {
            listenerInterest = interest
            return
        }
        let i = Int(handle - Self.firstSocket)
        guard i >= 0, i < sockets.count, sockets[i].watched else { return }
        sockets[i].interest = interest
    }

    func remove(_ handle: Int32) {
        if handle == Self.listenerHandle {
            listenerInterest = nil
            return
        }
        let i = Int(handle - Self.firstSocket)
        if i >= 0, i < sockets.count { sockets[i].watched = false }
    }

    /// Never waits: what is ready at `now` is reported, starting at a random socket so no
    /// connection is always served first.
    func wait(timeoutMillis: Int32, _ body: (Readiness) -> Void) {
        reported = false
        if listenerInterest?.read == true, !backlog.isEmpty {
            reported = true
            body(Readiness(token: .listener, readable: true, writable: false, failed: false))
        }
        let handles = live
        guard !handles.isEmpty else { return }
        let start = rng.below(handles.count)
        for k in 0..<handles.count {
            guard let r = readiness(handles[(start + k) % handles.count]) else { continue }
            reported = true
            body(r)
        }
    }

    /// Whether a wait now would report anything (for the simulator's quiet check).
    func hasReadiness() -> Bool {
        (listenerInterest?.read == true && !backlog.isEmpty) || live.contains { readiness($0) != nil }
    }

    private func readiness(_ h: Int32) -> Readiness? {
        guard let s = socket(h), s.watched, let c = s.conn, let l = links[c] else { return nil }
        // A reset, or both directions shut (our shutdown and the peer's close): epoll's
        // EPOLLERR or EPOLLHUP, reported whatever the interest.
        let failed = resetDue(l) || (l.down.finished && l.up.finished && l.up.isEmpty)
        let arrived = (l.up.nextArrival.map { $0 <= now } ?? false) || (l.up.finished && l.up.isEmpty)
        let readable = s.interest.read && now >= l.heldUntil && arrived
        // A peer that is gone takes everything until its reset comes back.
        let writable = s.interest.write && (!l.clientOpen || l.down.queuedBytes < network.maxQueuedBytes)
        guard failed || readable || writable else { return nil }
        return Readiness(token: s.token, readable: readable, writable: writable, failed: failed)
    }

    // MARK: Sockets

    func listen(host: String, port: Int) throws(ListenError) -> ListeningSocket {
        ListeningSocket(handle: Self.listenerHandle, port: port == 0 ? 8080 : port)
    }

    func accept(_ listener: Int32) -> Listener.Accepted {
        guard !backlog.isEmpty else { return .none }
        let p = backlog.removeFirst()
        let h = Self.firstSocket + Int32(sockets.count)
        sockets.append(Socket())
        live.append(h)
        lastAccepted = h
        return .connection(fd: h, remote: p.remote, address: p.address)
    }

    func connect(host: String, port: Int) throws(DialError) -> (handle: Int32, remote: String) {
        throw DialError(description: "cannot connect to \(host):\(port): the simulation runs only the server")
    }

    // A simulated server never redials: these are never called.
    func beginConnect(_ address: ResolvedAddress) -> Result<Int32, SystemError> { .failure(SystemError("connect", EPERM)) }
    func connectResult(_ handle: Int32) -> Int32 { EPERM }
    func beginLookup(host: String, port: Int) throws(SystemError) -> Int32 { throw SystemError("getaddrinfo", EPERM) }
    func finishLookup(_ handle: Int32) -> NameLookup.Answer? { nil }
    func abandonLookup(_ handle: Int32) {}

    /// The link of a socket the runtime reads or writes, or nil with `errno` set: EBADF for
    /// no such socket, ECONNRESET once the client's reset has reached the server.
    private func usableLink(_ handle: Int32) -> ConnID? {
        guard let c = socket(handle)?.conn, let l = links[c] else {
            errno = EBADF
            return nil
        }
        if resetDue(l) {
            errno = ECONNRESET
            return nil
        }
        return c
    }

    func read(_ handle: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if crashed {
            errno = EAGAIN
            return -1
        }
        guard let c = usableLink(handle) else { return -1 }
        if now < links[c]!.heldUntil {
            errno = EAGAIN
            return -1
        }
        // A read never lines up with frames: cut at a random point, or a few bytes at a time.
        var limit = buffer.count
        if links[c]!.trickle {
            limit = 1 + rng.below(7)
        } else if network.maxExtraCuts > 0, rng.chance(1, in: 2) {
            limit = 1 + rng.below(min(buffer.count, 64 << network.maxExtraCuts))
        }
        let bytes = links[c]!.up.read(now: now, limit: limit)
        if bytes.isEmpty {
            if links[c]!.up.finished && links[c]!.up.isEmpty { return 0 }
            errno = EAGAIN
            return -1
        }
        buffer.copyBytes(from: bytes)
        return bytes.count
    }

    func writev(_ handle: Int32, _ vectors: UnsafePointer<iovec>, _ count: Int32) -> Int {
        guard let c = usableLink(handle) else { return -1 }
        var total = 0
        for i in 0..<Int(count) { total += vectors[i].iov_len }
        if crashed { return total }
        // The client is gone and its reset has not come back yet: the bytes vanish.
        guard links[c]!.clientOpen else { return total }
        let room = network.maxQueuedBytes - links[c]!.down.queuedBytes
        guard room > 0 else {
            errno = EAGAIN
            return -1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(total, room))
        for i in 0..<Int(count) where bytes.count < room {
            let v = vectors[i]
            let n = min(v.iov_len, room - bytes.count)
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: v.iov_base, count: n))
        }
        links[c]!.down.write(bytes, now: now, latency: network.latency, rng: &rng)
        links[c]!.tookOutputAt = now
        return bytes.count
    }

    func shutdownWrite(_ handle: Int32) {
        guard !crashed, let c = socket(handle)?.conn else { return }
        links[c]?.down.finished = true
    }

    func close(_ handle: Int32) {
        guard !crashed, handle != Self.listenerHandle, let s = socket(handle) else { return }
        sockets[Int(handle - Self.firstSocket)].open = false
        live.removeAll { $0 == handle }
        guard let c = s.conn, links[c] != nil else { return }
        // What was written still arrives, then the end of the stream; what was not read is lost.
        links[c]!.serverOpen = false
        links[c]!.down.finished = true
        links[c]!.up.discard()
    }

    // MARK: The rest of the process

    func openSignals() throws(SystemError) -> Signals? { nil }

    /// The server's log goes nowhere in a simulation (its steps are checked instead).
    static let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
    var standardError: Int32 { Self.devNull }
    var standardOutput: Int32 { Self.devNull }

    func randomBits() -> UInt64 { rng.next() }
}
