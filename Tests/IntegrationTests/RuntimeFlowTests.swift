@testable import ChatIO
import ChatState
import Glibc
import Testing

/// Flow control's stories of a whole room, on the injected clock: the real `Runtime` in
/// process (see `InProcessRuntime`), real sockets, and time moved by the test, so no deadline
/// is waited for in real time. (They ran against the binary with a 1 s stall timeout and a 3 s
/// frame deadline, waiting for each to pass.) Each scenario returns what went wrong (nil:
/// nothing), so it also shows that it catches the planted bugs of the rules it tells.
@Suite(.serialized) struct RuntimeFlowTests {
    @Test(arguments: [2, 3])
    func stalledReadersAreAllDroppedAndTheRoomGoesOn(stalled: Int) async throws {
        let failure = try await onOwnThread { try Self.stalledReaders(stalled, plantedBug: nil) }
        #expect(failure == nil)
    }

    @Test func aSlowReaderIsDroppedAndTheOthersLoseNothing() async throws {
        let failure = try await onOwnThread { try Self.slowReaderAmongReaders(plantedBug: nil) }
        #expect(failure == nil)
    }

    @Test func framesThatNeverEndAreClosedAndAPatientSenderIsNot() async throws {
        let failure = try await onOwnThread { try Self.framesThatNeverEnd(plantedBug: nil) }
        #expect(failure == nil)
    }

    /// Each planted bug of flow control is caught by every story here that tells its rule.
    @Test(arguments: RuntimePlantedBug.allCases)
    func aPlantedBugIsCaught(_ bug: RuntimePlantedBug) async throws {
        let failures = try await onOwnThread { () throws -> [String?] in
            switch bug {
            case .stallDropsAtOnce, .stallNeverDrops, .neverPauses:
                return [try Self.stalledReaders(2, plantedBug: bug), try Self.slowReaderAmongReaders(plantedBug: bug)]
            case .frameDropsEarly, .frameNeverDrops: return [try Self.framesThatNeverEnd(plantedBug: bug)]
            case .deadlineFromBeforeWait: return []  // The join deadline's story, in RuntimeClockTests.
            }
        }
        #expect(failures.allSatisfy { $0 != nil }, "\(bug) went unnoticed: \(failures)")
    }

    static let stallTimeoutMillis = 1_000
    /// The reason a stalled reader's leave is logged with, for the 1 s stall timeout here.
    static let stallReason = "stopped reading: took no output for 1 s while the room waited for it"

    // MARK: Scenarios

    /// Issue #11, finding 1: two (and three) members join a little apart and never read while
    /// another floods 4000-character chats and two others chat beside them. Readers parked
    /// between the low-water mark and the limit used to hold the room forever; now all of them
    /// are dropped one stall timeout after the room began to wait (not before), the room reads
    /// again, a newcomer gets its ServerInfo, and the chatters lose nothing.
    static func stalledReaders(_ stalled: Int, plantedBug: RuntimePlantedBug?) throws -> String? {
        // The default limit (1 MiB, low water 512 KiB): wide enough that the kernel's own
        // buffering (which differs a little between sockets) cannot move a reader across a mark.
        var options = RuntimeOptions(stallTimeoutMillis: stallTimeoutMillis)
        options.plantedBug = plantedBug
        let server = try InProcessRuntime.server(options: options, chatRate: 0)
        defer { _ = server.stop() }
        let runtime = server.runtime
        guard let alice = try server.join("alice"), let bob = try server.join("bob"), let flood = try server.join("flood")
        else { return "the chatters did not join" }
        let listeners = [alice, bob, flood]
        func turn(until done: () -> Bool, maxTurns: Int = 250) -> Bool {
            server.turn(until: { listeners.forEach { $0.listen() }; return done() }, maxTurns: maxTurns)
        }
        let big = String(repeating: "x", count: 4000)
        // One chat at a time, each read and relayed before the next: a burst read at once would
        // push every stalled reader over the limit together, and the ones between the marks
        // are the point. False once reading has paused (the chat waits in the kernel).
        func floodOne() -> Bool {
            flood.say(big)
            _ = turn(until: { server.hasRead(from: flood.socket) || runtime.readingPaused })
            return !runtime.readingPaused
        }

        // Each stalled reader joins some big chats after the one before, so the later ones sit
        // 256 KiB (two readers), or 128 and 256 KiB (three), below the first: between the marks
        // when the first goes over the limit.
        var readers: [WirePeer] = []
        let gaps = stalled == 2 ? [64, 0] : [32, 32, 0]
        for (i, gap) in gaps.enumerated() {
            guard let reader = try server.join("stalled\(i + 1)", receiveBuffer: 4096), server.shrinkSendBuffer(of: reader.socket)
            else { return "stalled reader \(i + 1) did not join" }
            readers.append(reader)
            for _ in 0..<gap {
                if !floodOne() { return "reading paused before the last stalled reader joined" }
            }
        }
        let ids = readers.compactMap { server.connection(of: $0.socket)?.id }

        // Alice and Bob say five lines each for every 25 big chats, until the room waits.
        var ticks = 0
        func chatTick() {
            for i in 0..<5 {
                alice.say("a\(ticks)-\(i)")
                bob.say("b\(ticks)-\(i)")
            }
            ticks += 1
        }
        var chats = 0
        while runtime.connections.count == 3 + stalled {
            if chats % 25 == 0 { chatTick() }
            if !floodOne() { break }
            chats += 1
            if chats > 2_000 { return "reading never paused for the stalled readers" }
        }
        if runtime.connections.count < 3 + stalled { return "a stalled reader was dropped as soon as the room waited for it" }
        // The story's premise: the first over the limit, the others between the marks.
        let pending = ids.map { runtime.pendingOutputBytes($0) ?? 0 }
        let limit = RuntimeOptions.defaultMaxOutputBytes
        guard pending[0] > limit, pending.dropFirst().allSatisfy({ $0 > limit / 2 && $0 <= limit })
        else { return "the stalled readers are not where the story needs them: \(pending) bytes queued" }

        // The chatters go on talking while the room waits; what they say waits in the kernel.
        chatTick()
        server.clock.advance(millis: Int64(stallTimeoutMillis) - 1)
        _ = turn(until: { false }, maxTurns: 5)
        if runtime.connections.count < 3 + stalled { return "a stalled reader was dropped before the stall timeout" }
        server.clock.advance(millis: 1)
        guard turn(until: { runtime.connections.count == 3 }, maxTurns: 50) else {
            return "\(runtime.connections.count - 3) of \(stalled) stalled readers still there one stall timeout after the room waited"
        }
        if runtime.readingPaused { return "reading did not resume once the stalled readers were gone" }
        for (i, id) in ids.enumerated() where !server.logged.contains("leave \(id) \"stalled\(i + 1)\": \(stallReason)") {
            return "no leave of stalled\(i + 1) logged with the stall's reason: \(server.logged.suffix(5))"
        }

        guard let newcomer = try server.join("newcomer"),
              turn(until: { newcomer.listen(); return newcomer.heard.contains { if case .serverInfo = $0 { true } else { false } } })
        else { return "the newcomer got no ServerInfo after the drops" }
        alice.say("a-after-drops")
        bob.say("b-after-drops")
        guard turn(until: { bob.chats().contains("a-after-drops") && alice.chats().contains("b-after-drops") })
        else { return "the chatters' lines after the drops never arrived" }
        // Each chatter's lines reached the other whole and in order, across the pause.
        for (listener, tag) in [(bob, "a"), (alice, "b")] {
            let expected = (0..<ticks).flatMap { t in (0..<5).map { "\(tag)\(t)-\($0)" } } + ["\(tag)-after-drops"]
            let got = listener.chats(startingWith: tag)
            if got != expected { return "\(tag)'s lines arrived as \(got.count) lines, not the \(expected.count) sent, in order" }
        }
        return nil
    }

    /// A member who joins and never reads while another floods 3000 lines: it is dropped for
    /// stalling (a stall timeout after the room waited for it, not at once), and the reader who
    /// keeps up gets every line in order. (Small limit: 64 KiB.)
    static func slowReaderAmongReaders(plantedBug: RuntimePlantedBug?) throws -> String? {
        var options = RuntimeOptions(maxOutputBytes: 65536, stallTimeoutMillis: stallTimeoutMillis)
        options.plantedBug = plantedBug
        let server = try InProcessRuntime.server(options: options, chatRate: 0)
        defer { _ = server.stop() }
        let runtime = server.runtime
        guard let alice = try server.join("alice"), let bob = try server.join("bob"),
              let slow = try server.join("raw", receiveBuffer: 4096), server.shrinkSendBuffer(of: slow.socket),
              let slowID = server.connection(of: slow.socket)?.id
        else { return "the three did not join" }

        let count = 3000
        let padding = String(repeating: "x", count: 1000)
        let lines = (0..<count).map { "flood-\($0) \(padding)" }
        var flood = UnsentBytes(to: alice.socket, lines.flatMap { FrameCodec.frame(.chat(uid: nil, text: $0)) })
        func turn(until done: () -> Bool, maxTurns: Int) -> Bool {
            server.turn(until: { flood.push(); alice.listen(); bob.listen(); return done() }, maxTurns: maxTurns)
        }
        func slowThere() -> Bool { runtime.pendingOutputBytes(slowID) != nil }
        func bobHasAll() -> Bool { bob.chats(startingWith: "flood-").count >= count }
        _ = turn(until: { runtime.readingPaused || !slowThere() || bobHasAll() }, maxTurns: 5_000)
        if !slowThere() { return "the slow reader was dropped as soon as the room waited for it" }
        if !runtime.readingPaused { return "reading never paused for the slow reader" }
        // The room waits for the slow reader: just short of its stall timeout it is still there.
        server.clock.advance(millis: Int64(stallTimeoutMillis) - 1)
        _ = turn(until: { false }, maxTurns: 5)
        if !slowThere() { return "the slow reader was dropped before the stall timeout" }
        server.clock.advance(millis: 1)
        if !turn(until: { !slowThere() }, maxTurns: 50) { return "the stalled reader was never dropped" }
        if !turn(until: bobHasAll, maxTurns: 5_000) { return "Bob got \(bob.chats(startingWith: "flood-").count) of the \(count) lines" }
        if bob.chats(startingWith: "flood-") != lines { return "Bob's lines are not the flood's, in order" }
        if !server.logged.contains("leave \(slowID) \"raw\": \(stallReason)") {
            return "no leave of the slow reader logged with the stall's reason: \(server.logged.suffix(5))"
        }
        return server.turn(until: { slow.listen(); return slow.closed }) ? nil : "the slow reader's socket was never closed"
    }

    /// The unfinished-frames finding: a frame must be complete within the frame deadline of its
    /// first byte, joined or not. Peers dribbling one byte every 200 ms are closed with a logged
    /// reason exactly 3 s after their first byte; a patient member that always holds an
    /// unfinished frame, but never the same one for more than 250 ms, is not, and all its
    /// frames reach the room.
    static func framesThatNeverEnd(plantedBug: RuntimePlantedBug?) throws -> String? {
        var options = RuntimeOptions(frameTimeoutMillis: 3_000)
        options.plantedBug = plantedBug
        let server = try InProcessRuntime.server(options: options, chatRate: 0)
        defer { _ = server.stop() }
        guard let bob = try server.join("bob"), let joined = try server.join("raw"), let patient = try server.join("raw2")
        else { return "the three did not join" }
        let unjoined = WirePeer(try RawSocket(port: server.port))
        guard server.turn(until: { server.connection(of: unjoined.socket) != nil }) else { return "the unjoined peer was not accepted" }
        guard let joinedID = server.connection(of: joined.socket)?.id, let unjoinedID = server.connection(of: unjoined.socket)?.id
        else { return "no connection for the dribblers" }

        let dribble = FrameCodec.frame(.chat(uid: nil, text: String(repeating: "y", count: 200)))
        let patientFrames = 16
        func patientFrame(_ k: Int) -> [UInt8] { k < patientFrames ? FrameCodec.frame(.chat(uid: nil, text: "patient \(k)")) : [] }
        let senders = [("the joined dribbler", joined), ("the unjoined dribbler", unjoined), ("the patient member", patient)]
        var closedAt: [String: Int] = [:]
        // Every 50 ms of the clock: the dribblers send their next byte each 200 ms; the patient
        // member sends each frame in two parts, the end of one with the start of the next, every
        // 250 ms. The runtime reads all of it before the clock moves on.
        for t in stride(from: 0, through: 250 * patientFrames, by: 50) {
            if t > 0 { server.clock.advance(millis: 50) }
            if t % 200 == 0 {
                for peer in [joined, unjoined] where !server.hasLetGo(of: peer.socket) { peer.socket.send([dribble[t / 200]]) }
            }
            if t % 250 == 0 {
                let k = t / 250
                let end: [UInt8] = k == 0 ? [] : Array(patientFrame(k - 1).dropFirst(10))
                patient.socket.send(end + Array(patientFrame(k).prefix(10)))
            }
            // At least one turn at this time, which runs flow control's deadlines.
            _ = server.runtime.turn(maxWaitMillis: 0)
            guard server.turn(until: { senders.allSatisfy { server.hasRead(from: $0.1.socket) } }) else {
                return "the runtime did not read what was sent at \(t) ms"
            }
            for (name, peer) in senders where closedAt[name] == nil && server.hasLetGo(of: peer.socket) { closedAt[name] = t }
            if t < 3_000, let early = closedAt.first { return "\(early.key) was closed at \(early.value) ms, before the frame deadline" }
        }
        if let at = closedAt["the patient member"] { return "the patient member was closed at \(at) ms" }
        for name in ["the joined dribbler", "the unjoined dribbler"] where closedAt[name] != 3_000 {
            return "\(name) was \(closedAt[name].map { "closed at \($0) ms" } ?? "never closed"), not at the frame deadline (3000 ms)"
        }
        guard server.turn(until: { [joined, unjoined].allSatisfy { $0.listen(); return $0.closed } }) else {
            return "a dribbler's socket was never closed"
        }
        let reason = "frame unfinished 3 s after its first byte"
        for line in ["leave \(joinedID) \"raw\": \(reason)", "disconnect \(unjoinedID) before joining: \(reason)"]
        where !server.logged.contains(line) {
            return "not logged: \(line) (logged: \(server.logged.suffix(5)))"
        }
        if let line = server.logged.first(where: { $0.contains("\"raw2\": ") }) { return "the patient member's leave was logged: \(line)" }
        // The patient member is still in the room: its frames all arrived, and nothing of the dribbles.
        let expected = (0..<patientFrames).map { "patient \($0)" }
        guard server.turn(until: { bob.listen(); return bob.chats().count >= patientFrames }) else {
            return "Bob heard \(bob.chats()) of the patient member's lines"
        }
        return bob.chats() == expected ? nil : "Bob heard \(bob.chats()), not the patient member's \(patientFrames) lines"
    }
}

/// Bytes to send on a non-blocking socket without ever blocking the test: each `push` sends
/// what the kernel takes and keeps the rest.
struct UnsentBytes {
    let socket: RawSocket
    private(set) var bytes: ArraySlice<UInt8>

    init(to socket: RawSocket, _ bytes: [UInt8]) {
        self.socket = socket
        self.bytes = bytes[...]
        _ = fcntl(socket.fd, F_SETFL, fcntl(socket.fd, F_GETFL) | O_NONBLOCK)
    }

    var isDone: Bool { bytes.isEmpty }

    mutating func push() {
        guard !bytes.isEmpty else { return }
        let n = bytes.withUnsafeBytes { send(socket.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n > 0 { bytes = bytes.dropFirst(n) }
    }
}
