/// When the core may hear of a connection, and what it is told first: one rule per connection,
/// apart from the sockets so that it reads (and is tested) alone.
///
/// - A server's connection is known to the core from its accept, a plain client's from its
///   connect (a redial's: once the connect finished, `admit`).
/// - A server tells the core whose certificate a connection has (`identify`) as soon as its
///   handshake is done, before any of its frames: the core then knows whose a JoinRequest is.
/// - A client is not connected until the server has accepted its certificate. Under TLS 1.2,
///   and for a server, the handshake is that verdict. A TLS 1.3 client's handshake ends one
///   flight before it: the server then sends session tickets if it accepted us, an alert if
///   not. So the client waits for that sign (`established`), or, from a server that sends no
///   tickets, for `RuntimeOptions.tlsVerdictMillis` after its handshake, and then goes on (`verdictTimedOut`).
///   Until then a failure is a failure to connect, not a lost session.
struct ConnectionGate: Equatable {
    /// What the transport's state after some input asks of the runtime.
    enum Step: Equatable {
        /// Report the peer's certificate to the core (a server's connection).
        case identify(fingerprint: String)
        /// Tell the core the connection is there (a client's): its input goes to the core now.
        case announce
        /// Arm the verdict timer: at this time, call `verdictTimedOut`.
        case awaitVerdict(until: Int64)
    }

    /// The core knows the connection.
    private(set) var announced: Bool
    private var identified = false
    private var awaitingVerdict = false

    /// A connection the core hears of at once (accepted by a server, or a plain client's).
    static let open = ConnectionGate(announced: true)
    /// A client's connection not connected yet: a redial's connect, a TLS handshake.
    static let pending = ConnectionGate(announced: false)

    private init(announced: Bool) { self.announced = announced }

    /// After the transport took input: what it now knows, as steps for the runtime, in order.
    mutating func progressed(isServer: Bool, handshakeDone: Bool, established: Bool,
                             fingerprint: @autoclosure () -> String?, now: Int64) -> [Step] {
        var steps: [Step] = []
        if isServer, !identified, handshakeDone {
            identified = true
            if let fingerprint = fingerprint() { steps.append(.identify(fingerprint: fingerprint)) }
        }
        guard !announced else { return steps }
        if established {
            announced = true
            steps.append(.announce)
        } else if handshakeDone, !awaitingVerdict {
            awaitingVerdict = true
            steps.append(.awaitVerdict(until: now + RuntimeOptions.tlsVerdictMillis))
        }
        return steps
    }

    /// A redial's plain connect finished: the core hears of it now. False if it knew already.
    mutating func admit() -> Bool {
        guard !announced else { return false }
        announced = true
        return true
    }

    /// The verdict timer fired: a server that sends no session tickets gives no sign of
    /// accepting us, so go on as accepted. True: announce the connection now.
    mutating func verdictTimedOut() -> Bool {
        guard !announced, awaitingVerdict else { return false }
        announced = true
        return true
    }
}
