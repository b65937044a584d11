import ChatState
import Glibc

/// A client dialling its server again when the core says so (`Effect.connect`, issue #13). The
/// first connection is made before the loop starts (`start`); every later one is made inside
/// the loop without blocking it: a non-blocking connect per resolved address, its socket watched
/// for writability, a deadline for each, and the outcome told to the core as `Event.connected`
/// (after a new TLS handshake, on TLS) or `Event.dialFailed`. Ctrl-C and typing go on meanwhile.
extension Runtime {
    /// The addresses still to try, and the connection being dialled.
    struct Redial {
        var remaining: [ResolvedAddress]
        var current: Connection?
        var lastFailure = "no address"
    }

    /// Whether a client's connection that failed before the core knew of it was a redial (told
    /// to the core, which tries again) rather than the first connection (the client cannot start).
    var isRedialling: Bool { (app.session?.link.losses ?? 0) > 0 }

    func redialServer() {
        let config = app.config
        do {
            // A name is resolved here, as at start; an address (the usual case) costs nothing.
            redial = Redial(remaining: try Sys.resolve(host: config.host, port: config.port, passive: false))
        } catch {
            dispatch(.dialFailed(reason: error.message))
            return
        }
        dialNext()
    }

    private func dialNext() {
        guard var r = redial else { return }
        while let a = r.remaining.first {
            r.remaining.removeFirst()
            switch Dialer.begin(a) {
            case .failure(let error):
                r.lastFailure = Sys.message(error.code)
            case .success(let fd):
                let c = register(fd: fd, remote: a.description)
                c.dialing = true
                c.announced = false
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
        let error = timedOut ? ETIMEDOUT : Dialer.pendingError(c.fd)
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
            announce(c)
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
