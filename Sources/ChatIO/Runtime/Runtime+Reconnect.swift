import ChatState
import Glibc

/// A client dialling its server again when the core says so (`Effect.connect`, issue #13). The
/// first connection is made before the loop starts (`start`); every later one is made inside
/// the loop without blocking it: the name looked up off the loop's thread (`NameLookup`, its
/// answer watched as readiness, with a deadline), a non-blocking connect per resolved address,
/// its socket watched for writability, a deadline for each, and the outcome told to the core as
/// `Event.connected` (after a new TLS handshake, on TLS) or `Event.dialFailed`. Ctrl-C, typing
/// and timers go on meanwhile. Everything reaches the system through `OperatingSystem`.
extension Runtime {
    /// The name lookup under way, the addresses still to try, and the connection being dialled.
    struct Redial {
        var lookup: Int32?
        var remaining: [ResolvedAddress] = []
        var current: Connection?
        var lastFailure = "no address"
    }

    /// How long a redial waits for its name lookup.
    static let lookupTimeoutMillis: Int64 = 10_000

    /// Whether a client's connection that failed before the core knew of it was a redial (told
    /// to the core, which tries again) rather than the first connection (the client cannot start).
    var isRedialling: Bool { (app.session?.link.losses ?? 0) > 0 }

    func redialServer() {
        let config = app.config
        abandonLookup()
        let handle: Int32
        do {
            handle = try os.beginLookup(host: config.host, port: config.port)
        } catch {
            return dispatch(.dialFailed(reason: error.description))
        }
        do {
            try os.add(handle, .lookup, .readOnly)
        } catch {
            os.abandonLookup(handle)
            return dispatch(.dialFailed(reason: error.description))
        }
        redial = Redial(lookup: handle)
        timers.set(.lookup, at: now + Self.lookupTimeoutMillis)
    }

    /// The lookup's handle turned readable: dial what it found, or tell the core why not.
    func lookupAnswered() {
        guard let handle = redial?.lookup else { return }
        os.remove(handle)
        guard let answer = os.finishLookup(handle) else {
            // Woken with no answer yet (it cannot be, but a lookup that never answers must
            // still end at its deadline): watch it again.
            try? os.add(handle, .lookup, .readOnly)
            return
        }
        timers.cancel(.lookup)
        redial?.lookup = nil
        switch answer {
        case .success(let addresses):
            redial?.remaining = addresses
            dialNext()
        case .failure(let error):
            redial = nil
            dispatch(.dialFailed(reason: error.message))
        }
    }

    /// The lookup's deadline passed: given up, and the core told (it tries again later).
    func lookupTimedOut() {
        guard redial?.lookup != nil else { return }
        abandonLookup()
        redial = nil
        dispatch(.dialFailed(reason: "cannot resolve \(app.config.host): no answer within \(Self.lookupTimeoutMillis / 1000) s"))
    }

    /// Drops a lookup under way (a new redial, the end of the session).
    func abandonLookup() {
        guard let handle = redial?.lookup else { return }
        os.remove(handle)
        os.abandonLookup(handle)
        timers.cancel(.lookup)
        redial?.lookup = nil
    }

    private func dialNext() {
        guard var r = redial else { return }
        while let a = r.remaining.first {
            r.remaining.removeFirst()
            switch os.beginConnect(a) {
            case .failure(let error):
                r.lastFailure = Sys.message(error.code)
            case .success(let fd):
                let c = register(fd: fd, remote: a.description)
                c.dialing = true
                c.gate = .pending
                c.registered = Interest(read: false, write: true)
                os.modify(fd, .connection(c.id.raw), c.registered)
                r.current = c
                redial = r
                timers.set(.dial(c.id.raw), at: now + Int64(Dialer.connectTimeoutMillis))
                return
            }
        }
        redial = nil
        dispatch(.dialFailed(reason: r.lastFailure))
    }

    /// The dialled socket turned writable (connected, or failed) or its deadline passed.
    func dialProgressed(_ c: Connection, timedOut: Bool = false) {
        guard c.dialing, redial?.current === c else { return }
        let error = timedOut ? ETIMEDOUT : os.connectResult(c.fd)
        timers.cancel(.dial(c.id.raw))
        redial?.current = nil
        guard error == 0 else {
            redial?.lastFailure = Connection.reason(error)
            discard(c)
            dialNext()
            return
        }
        redial = nil
        c.dialing = false
        c.registered = Interest(read: !readingPaused, write: false)
        os.modify(c.fd, .connection(c.id.raw), c.registered)
        guard let context = options.tls else {
            if c.gate.admit() { announce(c) }
            return
        }
        // A new handshake each attempt; the core hears of the connection once it is done.
        do {
            let layer = TLSTransport(engine: try TLSEngine(context: context, serverName: app.config.host))
            try layer.start()
            c.transport = .layered(layer)
        } catch {
            discard(c)
            dispatch(.dialFailed(reason: "cannot start TLS: \(error)"))
            return
        }
        markDirty(c)
    }
}
