import ChatState
import Glibc

/// Sockets: accepting, reading, writing, closing, and the flow control between them.
extension Runtime {
    /// Adds a connected socket to the loop under a fresh id.
    func register(fd: Int32, remote: String, transport: Transport = .plain) -> Connection {
        let c = connections.add { Connection(id: $0, fd: fd, remote: remote, transport: transport) }
        c.registered = Interest(read: !readingPaused, write: false)
        do {
            try os.add(fd, .connection(c.id.raw), c.registered)
        } catch {
            // Cannot happen for a fresh socket; if it did the connection would never be served.
            log("cannot watch \(c.id): \(error)")
        }
        return c
    }

    func acceptConnections() {
        guard let l = listener else { return }
        // A bounded batch per turn keeps a connection storm from starving the others.
        for _ in 0..<64 {
            switch os.accept(l.handle) {
            case let .connection(fd, remote, address):
                var transport = Transport.plain
                if let context = options.tls {
                    do {
                        transport = .layered(TLSTransport(engine: try TLSEngine(context: context)))
                    } catch {
                        log("cannot start TLS for \(remote): \(error.description)")
                        os.close(fd)
                        continue
                    }
                }
                // Announced at TCP accept, so the core's join deadline covers the handshake.
                let c = register(fd: fd, remote: remote, transport: transport)
                let uid = UID(randomBits: os.randomBits(), os.randomBits())
                dispatch(.accepted(conn: c.id, uid: uid, remote: remote, address: address))
            case .none:
                return
            case .exhausted(let why):
                log("cannot accept: \(why); pausing for \(RuntimeOptions.acceptRetryMillis) ms")
                os.modify(l.handle, .listener, .none)
                timers.set(.resumeAccept, at: now + RuntimeOptions.acceptRetryMillis)
                return
            }
        }
    }

    func read(_ c: Connection) {
        let n = os.read(c.fd, into: readBuffer)
        if n > 0 {
            if c.closing { return }  // Input after our close is nobody's business.
            let chunk = UnsafeRawBufferPointer(start: readBuffer.baseAddress, count: n)
            switch c.transport {
            case .plain:
                dispatch(.received(conn: c.id, bytes: Bytes(Array(chunk))))
                noteInput(c)
            case .layered(let layer):
                let plaintext: [UInt8]
                do {
                    plaintext = try layer.receive(chunk)
                } catch {
                    // The layer's alert tells the peer why; best effort, we are closing.
                    c.sealed.append(bytes: layer.takeOutgoing())
                    _ = c.sealed.write(iovecs: iovecs) { os.writev(c.fd, $0, $1) }
                    lose(c, reason: error.description)
                    return
                }
                markDirty(c)  // A handshake answer may be waiting.
                let steps = c.gate.progressed(isServer: app.config.role == .server, handshakeDone: layer.isHandshakeDone,
                                              established: layer.isEstablished, fingerprint: layer.peerFingerprint, now: now)
                for step in steps {
                    switch step {
                    case .identify(let fingerprint): dispatch(.identified(conn: c.id, fingerprint: fingerprint))
                    case .announce: announce(c)
                    case .awaitVerdict(let deadline): timers.set(.tlsVerdict(c.id.raw), at: deadline)
                    }
                }
                if !plaintext.isEmpty && c.gate.announced && connections.contains(c) {
                    dispatch(.received(conn: c.id, bytes: Bytes(plaintext)))
                    noteInput(c)
                }
                if layer.peerClosed, connections.contains(c), !c.closing {
                    lose(c, reason: "closed by peer")
                }
            }
        } else if n == 0 {
            if c.closing { discard(c) } else { lose(c, reason: "closed by peer") }
        } else if errno != EAGAIN && errno != EWOULDBLOCK {
            if c.closing { discard(c) } else { lose(c, reason: Connection.reason(errno)) }
        }
    }

    /// Tells the core about a client's connection, once its gate let it through.
    func announce(_ c: Connection) {
        timers.cancel(.tlsVerdict(c.id.raw))
        dispatch(.connected(conn: c.id, remote: c.remote))
    }

    func markDirty(_ c: Connection) {
        // A flag on the connection, not a set of ids: this runs once per delivery.
        if !c.isDirty {
            c.isDirty = true
            dirty.append(c)
        }
    }

    func flushDirty() {
        // Flushing may lose a connection, whose step may dirty others: loop until settled.
        while !dirty.isEmpty {
            let batch = dirty
            dirty.removeAll(keepingCapacity: true)
            for c in batch { c.isDirty = false }
            for c in batch where connections.contains(c) { flush(c) }
        }
    }

    func flush(_ c: Connection) {
        // Nothing leaves that is not in the room log yet: one commit for all the steps since.
        commitRoomLog()
        let before = c.pendingBytes
        let result = c.flush(iovecs: iovecs, os: os)
        if c.pendingBytes < before { quit.outputProgressed(now: now) }
        switch result {
        case .drained:
            if c.closing && !c.shutDown {
                // Our side is done; the peer's close (or the linger timer) ends the socket.
                // Closing without this would reset a peer that still had bytes in flight.
                os.shutdownWrite(c.fd)
                c.shutDown = true
            }
        case .blocked:
            break
        case .failed(let reason):
            if c.closing { discard(c) } else { lose(c, reason: reason) }
            return
        }
        updateFlow(c, progressed: c.pendingBytes < before)
        updateInterest(c)
    }

    /// Starts closing on our side: the output queue is written, then the write side shut down.
    func beginClose(_ c: Connection, linger: Bool) {
        guard !c.closing else { return }
        c.closing = true
        if linger { timers.set(.linger(c.id.raw), at: now + RuntimeOptions.closeLingerMillis) }
        updateFlow(c, progressed: false)
        markDirty(c)
    }

    /// The connection failed or the peer left: forget it and tell the core.
    func lose(_ c: Connection, reason: String) {
        let announced = c.gate.announced && !c.closing
        discard(c)
        if announced {
            dispatch(.disconnected(conn: c.id, reason: reason))
        } else if !c.gate.announced && app.config.role == .client && isRedialling {
            // A redial that failed in its TLS handshake: the core tries again.
            dispatch(.dialFailed(reason: reason == "closed by peer" ? "the server closed the connection during the TLS handshake" : reason))
        } else if !c.gate.announced && app.config.role == .client {
            // The core never saw this connection (its TLS handshake failed): the client
            // cannot start, as with a refused connection.
            let config = app.config
            let reason = reason == "closed by peer"
                ? "the server closed the connection during the TLS handshake (\(TLSDiagnosis.plainServerHint))" : reason
            beginQuit(code: ExitCode.failure, message: "pychat: cannot connect to \(config.host):\(config.port): \(reason)")
        }
    }

    /// Closes the socket and forgets it, without telling the core.
    func discard(_ c: Connection) {
        guard connections.remove(c) else { return }
        let slot = c.slot
        os.remove(c.fd)
        os.close(c.fd)
        c.output.removeAll()
        c.sealed.removeAll()
        timers.cancel(.linger(c.id.raw))
        timers.cancel(.tlsVerdict(c.id.raw))
        timers.cancel(.dial(c.id.raw))
        if flow.remove(slot, now: now) { readingPausedChanged() }
    }

    /// Tells flow control about one connection's queue after a flush (`progressed`: it took
    /// some output) or a close. Closing connections never hold the others back.
    func updateFlow(_ c: Connection, progressed: Bool) {
        let live = !c.closing && connections.contains(c)
        if flow.output(c.slot, pending: live ? c.pendingBytes : 0, progressed: progressed, now: now) {
            readingPausedChanged(except: c)
        }
    }

    /// Reading stopped or resumed: every connection's interest (and standard input's) follows.
    func readingPausedChanged(except c: Connection? = nil) {
        for other in connections.all where other !== c { updateInterest(other) }
        updateStandardInputInterest()
    }

    /// Tells flow control how far the core got with a connection's frames, for the deadline
    /// on unfinished ones.
    func noteInput(_ c: Connection) {
        guard connections.contains(c), let p = app.room?.inputProgress(of: c.id) else { return }
        flow.input(c.slot, completedFrames: p.completedFrames, bufferedBytes: p.bufferedBytes, now: now)
    }

    /// Whether the connection is read now: the one rule for its interest and for acting on a
    /// readiness report (which may predate a pause in the same batch).
    func wantsInput(_ c: Connection) -> Bool { c.closing || (!readingPaused && !c.readPaused) }

    func updateInterest(_ c: Connection) {
        guard connections.contains(c) else { return }
        // A closing connection is read only to notice the peer's close; a sender over its chat
        // rate is not read until the core says so.
        let want = Interest(read: wantsInput(c), write: c.pendingBytes > 0)
        if want != c.registered {
            c.registered = want
            os.modify(c.fd, .connection(c.id.raw), want)
        }
    }
}
