@testable import ChatIO
import Testing

/// When the core hears of a connection (`ConnectionGate`), on its own: the transport's state
/// after each input goes in, the runtime's steps come out. The real handshakes that feed it are
/// in RuntimeTLSTests and TLS12PeerTests.
@Suite struct ConnectionGateTests {
    /// A connection's gate, fed as the runtime feeds it; its certificate looked up only if asked.
    struct Fed {
        var gate: ConnectionGate
        var isServer = false
        var certificate: String? = "ab12"
        var lookups = 0

        mutating func input(done: Bool, established: Bool, now: Int64) -> [ConnectionGate.Step] {
            var looked = 0
            let certificate = self.certificate
            let steps = gate.progressed(isServer: isServer, handshakeDone: done, established: established,
                                        fingerprint: { looked += 1; return certificate }(), now: now)
            lookups += looked
            return steps
        }

        mutating func verdictTimedOut() -> Bool { gate.verdictTimedOut() }
        mutating func admit() -> Bool { gate.admit() }
    }

    @Test func aServerReportsTheCertificateOnceTheHandshakeIsDoneAndOnlyOnce() {
        var c = Fed(gate: .open, isServer: true)
        let before = c.input(done: false, established: false, now: 0)
        #expect(before == [] && c.lookups == 0, "no certificate is looked at before the handshake is done")
        let done = c.input(done: true, established: true, now: 5)
        #expect(done == [.identify(fingerprint: "ab12")])
        let later = c.input(done: true, established: true, now: 9)
        #expect(later == [] && c.lookups == 1)
        #expect(c.gate.announced)
    }

    @Test func aServerConnectionWithoutACertificateIsNotReportedNorAskedAgain() {
        var c = Fed(gate: .open, isServer: true, certificate: nil)
        let first = c.input(done: true, established: true, now: 0)
        let second = c.input(done: true, established: true, now: 1)
        #expect(first == [] && second == [] && c.lookups == 1)
    }

    /// TLS 1.2 (or a 1.3 server that sent its tickets with the last flight): the handshake is
    /// the verdict, so the client is connected at once and no timer is armed.
    @Test func aClientTheServerAcceptedAtTheHandshakeIsAnnouncedAtOnce() {
        var c = Fed(gate: .pending)
        let handshaking = c.input(done: false, established: false, now: 0)
        #expect(handshaking == [] && !c.gate.announced)
        let accepted = c.input(done: true, established: true, now: 3)
        #expect(accepted == [.announce] && c.gate.announced)
        #expect(c.lookups == 0, "a client reports no certificate to its core")
        let fired = c.verdictTimedOut()
        #expect(!fired, "no timer was armed, and it is announced")
    }

    /// TLS 1.3: the handshake ends a flight before the server's verdict. The client waits for
    /// it from the moment its handshake ended (once), and the sign announces it.
    @Test func aTLS13ClientWaitsForTheVerdictFromItsHandshakeAndTheSignAnnouncesIt() {
        var c = Fed(gate: .pending)
        let done = c.input(done: true, established: false, now: 40)
        #expect(done == [.awaitVerdict(until: 40 + RuntimeOptions.tlsVerdictMillis)])
        let more = c.input(done: true, established: false, now: 70)
        #expect(more == [] && !c.gate.announced, "the deadline counts from the handshake's end, not from each later input")
        let sign = c.input(done: true, established: true, now: 90)
        #expect(sign == [.announce])
        let fired = c.verdictTimedOut()
        #expect(!fired, "a timer left armed by mistake announces nothing twice")
    }

    /// A server that sends no session tickets gives no sign: at the deadline the client goes on.
    @Test func aClientGoesOnWhenTheVerdictTimerFiresAndOnlyOnce() {
        var c = Fed(gate: .pending)
        let early = c.verdictTimedOut()
        #expect(!early, "before its handshake ended there is no verdict to wait for")
        _ = c.input(done: true, established: false, now: 0)
        let fired = c.verdictTimedOut()
        #expect(fired && c.gate.announced)
        let again = c.verdictTimedOut()
        let data = c.input(done: true, established: true, now: 2_000)
        #expect(!again && data == [])
    }

    @Test func aPlainRedialIsAdmittedOnceItsConnectFinished() {
        var dial = Fed(gate: .pending)
        let first = dial.admit(), second = dial.admit()
        #expect(first && !second && dial.gate.announced)
        var accepted = Fed(gate: .open)
        let known = accepted.admit()
        #expect(!known)
    }
}
