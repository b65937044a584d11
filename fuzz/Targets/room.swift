// A whole room (the server's reducer, with a host user) driven by arbitrary events on up to
// eight connections: raw byte streams, and well-formed JoinRequests, chats and pychat signs built
// from the fuzzer's bytes (so it gets past the JSON quickly), disconnects, timers, time passing
// (the per-address limits and chat rates run on it), host chat.
// Invariants, checked after every step: every send is whole frames, none over
// `Limits.maxFrameLength`; sends go only to connections the room was told of and has not
// seen leave; the work of a step is linear in what it was given (its input, plus the names
// the room holds, which each table repeats once per connection).
import ChatState
import Glibc

let slots = 8
let hostUID = UID(high: 0xF00D, low: 0)
let allowBigFrames = getenvFlag("PYCHAT_FUZZ_ALLOW_BIG_FRAMES")

func getenvFlag(_ name: String) -> Bool {
    guard let value = getenv(name) else { return false }
    return String(cString: value) == "1"
}

func fuzzOne(_ data: [UInt8]) {
    var input = FuzzInput(data)
    var room = Room(config: AppConfig(role: .server, username: "host", hostUID: hostUID))
    var open = Set<ConnID>()
    var accepted: UInt64 = 0
    var now: Int64 = 0
    var steps = 0
    while !input.isAtEnd, steps < 2_000 {
        steps += 1
        let op = input.byte()
        let conn = ConnID(UInt64(input.byte()) % UInt64(slots))
        let start = input.offset
        let event: Event
        switch op % 8 {
        case 0:
            accepted += 1
            // One of three addresses (so the per-address limits are met), or the uncounted nil;
            // every eighth accept is a time step instead, so throttles and chat rates refill.
            let pick = input.byte()
            if pick % 8 == 7 {
                now += Int64(input.uint16())
                event = .time(Instant(monotonicMillis: now))
            } else {
                let address = pick % 4 == 3 ? nil : "10.0.0.\(pick % 4)"
                event = .accepted(conn: conn, uid: UID(high: 1, low: accepted), remote: "10.0.0.1:\(accepted)",
                                  address: address)
            }
        case 1:
            event = .received(conn: conn, bytes: Bytes(Array(input.take(input.uint16()))))
        case 2:
            let name = text(input.take(Int(input.byte())))
            let color = text(input.take(Int(input.byte() % 16)))
            event = .received(conn: conn, bytes: Bytes(FrameCodec.frame(.joinRequest(username: name, color: color))))
        case 3:
            let said = text(input.take(input.uint16()))
            let uid = input.byte() & 1 == 0 ? nil : UID(high: 1, low: UInt64(conn.raw))
            event = .received(conn: conn, bytes: Bytes(FrameCodec.frame(.chat(uid: uid, text: said))))
        case 4:
            event = .disconnected(conn: conn, reason: "gone")
        case 5:
            switch input.byte() % 4 {
            case 0: event = .timer(.joinDeadline(conn))
            case 1: event = .timer(.tableRefresh)
            case 2: event = .timer(.announce)
            default: event = .timer(.floodRelease(conn))  // also when none is armed: a stale timer
            }
        case 6:
            event = .inputLine(text(input.take(input.uint16())))
        default:
            // The pychat sign: this build's, or one naming other features (or malformed).
            let sign = input.byte() & 1 == 0 ? PeerSign.text(.ours) : "pychat/\(input.byte()) other " + text(input.take(8))
            event = .received(conn: conn, bytes: Bytes(PeerSign.frameText(sign)))
        }
        let given = input.offset - start + 2
        let nameBytes = room.members.reduce(0) { $0 + $1.name.utf8.count }
        var out = StepOutput()
        expectLinear("step \(steps) (\(event))", bytes: given + (slots + 1) * nameBytes, perByte: 300, fixed: 50_000) {
            if case .inputLine(let line) = event { room.hostSay(line, &out) } else { room.handle(event, &out) }
        }
        switch event {
        case .accepted(let c, _, _, _): open.insert(c)
        default: break
        }
        for effect in out.effects {
            switch effect {
            case let .send(to, bytes):
                for c in to { expect(open.contains(c), "step \(steps): a send to \(c), which is not connected") }
                checkFrames(bytes.array, step: steps)
            case let .close(c, _):
                open.remove(c)
            default:
                break
            }
        }
        if case .disconnected(let c, _) = event { open.remove(c) }
        for c in open { expect(room.isConnected(c), "step \(steps): \(c) is open but the room forgot it") }
    }
}

func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

/// A send's bytes are whole frames, each within the protocol's limit.
func checkFrames(_ bytes: [UInt8], step: Int) {
    var at = 0
    while at < bytes.count {
        expect(bytes.count - at >= 4, "step \(step): a send ends inside a frame header")
        let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        expect(allowBigFrames || length <= Limits.maxFrameLength,
               "step \(step): a frame of \(length) bytes sent, over the limit of \(Limits.maxFrameLength)")
        at += 4 + length
        expect(at <= bytes.count, "step \(step): a send ends inside a frame")
    }
}
