import Foundation
import Glibc
import Testing

/// The project's own original-like peer against the shared reference peer (which was checked
/// against the real original): the same bytes, sent over raw sockets to each one's server, must
/// make every connection receive the same byte stream, and make both report the same rejections,
/// quirks and ignored messages. This is what shows our peer is original-like.
@Suite(.enabled(if: OriginalPeer.referenceTestable))
struct OriginalPeerDifferentialTests {
    @Test func serversAnswerHostileAndOddInputAlike() async throws {
        let own = try await OriginalServerRun.perform(script, on: .own)
        let reference = try await OriginalServerRun.perform(script, on: .reference)
        #expect(own.streams.count == reference.streams.count)
        for (i, (ours, theirs)) in zip(own.streams, reference.streams).enumerated() {
            let same = ours == theirs // not in the #expect: it would print both whole streams
            #expect(same, "connection \(i) received different bytes: \(firstDifference(ours, theirs))")
        }
        let sameVerdicts = own.verdicts == reference.verdicts
        #expect(sameVerdicts, "\(firstDifference(own.verdicts, reference.verdicts))")
        // The script reaches every verdict, so a peer that reports nothing cannot pass.
        #expect(own.verdicts.filter { $0.hasPrefix("rejected") }.count == 12, "\(own.verdicts)")
        #expect(Set(own.verdicts.filter { $0.hasPrefix("quirk") }) == Set([
            "quirk broadcast_reaches_unjoined", "quirk chat_before_join_dropped", "quirk second_join_reannounced",
            "quirk join_failed", "quirk unjoined_disconnect", "quirk display_error",
        ]), "\(own.verdicts)")
    }
}

/// Where two sequences part, with a little of each from there: whole streams are too long to read.
private func firstDifference<C: Collection>(_ own: C, _ reference: C) -> String where C.Element: Equatable {
    let common = zip(own, reference).prefix { $0 == $1 }.count
    return "from element \(common): own \(Array(own.dropFirst(common).prefix(400))), "
        + "reference \(Array(reference.dropFirst(common).prefix(400)))"
}

/// What a client sends in the script; `spoof` is nobody's uid, in the forms the original accepts.
private let spoof = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
private func join(_ name: String, _ color: String) -> [UInt8] {
    frame(#"{"username": \#(name), "color": \#(color), "type": "JoinRequest"}"#)
}
private func chat(_ text: String, uid: String = "null") -> [UInt8] {
    frame(#"{"uid": \#(uid), "text": \#(text), "type": "ChatMessage"}"#)
}
private func rawFrame(kind: UInt8?, _ body: [UInt8]) -> [UInt8] {
    let payload = (kind.map { [$0] } ?? []) + body
    let n = UInt32(payload.count)
    return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + payload
}

/// Six connections: 0 alice, 1 bob, 2 carol (a colour that cannot be drawn), 3 never joins,
/// 4 a null name, 5 colours that cannot make a user. Texts stay short: the pad's geometry is
/// outside our peer's simplified display model.
private let script: [DifferentialStep] = [
    .connect, .connect, .connect, .connect, .connect, .connect,
    .send(0, [join(#""alice""#, #""ff8800""#)]),
    .send(1, [chat(#""early""#)]),
    .send(1, [join(#""bob""#, ##""#00FF00""##)]),
    .send(0, [chat(#""spoofed""#, uid: #""\#(spoof)""#), chat(#""upper""#, uid: #""\#(spoof.uppercased())""#),
              chat(#""braced""#, uid: #""{\#(spoof)}""#), chat(#""urn""#, uid: #""urn:uuid:\#(spoof)""#)]),
    .send(0, [chat(#""h\u00e9llo \u4e2d \ud83d\ude00""#), chat(#""raw é 中 😀""#), chat(#""lone \ud800""#)]),
    .send(1, [rawFrame(kind: 2, Array("hello".utf8)), rawFrame(kind: nil, []), rawFrame(kind: 1, Array("{".utf8)),
              frame("[1, 2]"), rawFrame(kind: 1, [0x7B, 0xFF, 0x7D]), frame(#"{"text": "no type"}"#),
              frame(#"{"text": "x", "type": "Shout"}"#), frame(#"{"uid": null, "text": "x", "extra": 1, "type": "ChatMessage"}"#),
              frame(#"{"uid": null, "type": "ChatMessage"}"#), frame(#"{"text": 1, "type": 5}"#)]),
    .send(1, [chat(#""bogus uid""#, uid: #""bogus""#), chat(#""int uid""#, uid: "5"), chat(#""null uid""#)]),
    .send(0, [chat("42"), chat("1.5"), chat("1e5"), chat(#"[1, "a"]"#), chat(#"{"k": "v"}"#), chat("null"),
              chat("true"), chat("NaN"), chat("-Infinity")]),
    .send(0, [frame(#"{"uid": null, "text": "first", "text": "second", "type": "ChatMessage"}"#),
              frame(#"{"type": "ChatMessage", "text": "type first", "uid": null}"#),
              frame(#"{"uid":null,"text":"compact","type":"ChatMessage"}"#)]),
    .send(1, [chat(#""tab\there, cr\r, lf\n, esc \u001b[31m, del \u007f""#), chat(#""nul \u0000 inside""#)]),
    .send(1, [frame(#"{"users": {}, "uid": null, "type": "ServerInfo"}"#), frame(#"{"text": "sys", "type": "SystemMessage"}"#),
              frame(#"{"uid": null, "username": "u", "color": "000000", "type": "User"}"#)]),
    .send(2, [join(#""carol""#, #""zz0000""#), chat(#""carol's colour cannot be drawn""#)]),
    .send(0, [join(#""alice2""#, ###""##AbCdEf""###), chat(#""renamed, and my colour is bad now""#),
              join(#""alice""#, #""abcdef""#), chat(#""back again""#)]),
    .send(4, [join("null", #""123456""#), chat(#""a null name cannot be drawn""#)]),
    .send(5, [join(#""nocolour""#, #""""#), join(#""intcolour""#, "5"), join("7", ##""#""##), chat(#""seven""#),
              join(#""hexprefix""#, #""0x1234""#), chat(#""0x cannot be read""#),
              join(#""signs""#, #""+1+2+3""#), chat(#""signs can""#)]),
    .close(1), .close(3), .close(2),
    .sendUnfinished(0, Array(rawFrame(kind: 1, Array(#"{"uid": null, "text": "truncated"}"#.utf8)).dropLast(3))),
    .close(0), .close(4), .close(5),
]

enum DifferentialStep {
    case connect
    /// Frames in one write on a connection; then a barrier.
    case send(Int, [[UInt8]])
    /// The start of a frame whose rest never comes: no barrier can follow on that connection.
    case sendUnfinished(Int, [UInt8])
    case close(Int)
}

/// One run of the script against one peer's server: what each connection received (uids
/// replaced by placeholders of the same length) and the peer's verdicts, in order.
struct OriginalServerRun {
    var streams: [String] = []
    var verdicts: [String] = []

    static func perform(_ script: [DifferentialStep], on peer: OriginalPeer) async throws -> OriginalServerRun {
        let server = try Proc.peer(peer, "\(peer.rawValue) server",
                                   ["server", "--port", "0", "-u", "host", "--raw", "--host-say", "welcome", "--timeout", "120"])
        defer { server.kill() }
        let listening = try await server.event("listening") { $0["event"] as? String == "listening" }
        let port = try #require(listening["port"] as? Int)
        let hostUid = try #require((listening["host_user"] as? [String: Any])?["uid"] as? String)
        var sockets: [RawSocket] = [], cids: [String] = [], received: [[UInt8]] = [], open: [Bool] = []
        var barriers = 0

        /// Reads until every open connection has all the bytes the server says it sent it.
        func catchUp() async throws {
            let sent = server.events.filter { $0["event"] as? String == "sent" }
            for i in sockets.indices where open[i] {
                let expected = sent.filter { ($0["to"] as? [String] ?? []).contains(cids[i]) }
                    .reduce(0) { $0 + ($1["frame_hex"] as? String ?? "").count / 2 }
                try await server.waitFor("\(expected) bytes on connection \(i)") { _ in
                    received[i] += sockets[i].receiveAvailable()
                    return received[i].count >= expected
                }
            }
        }
        /// A message the original ignores, sent after a step: once the server shows it, the step is handled.
        func barrier(on i: Int, after bytes: [UInt8]) async throws {
            barriers += 1
            let text = "barrier \(barriers)"
            sockets[i].send(bytes + frame(#"{"text": "\#(text)", "type": "SystemMessage"}"#))
            _ = try await server.event(text) { ($0["msg"] as? [String: Any])?["text"] as? String == text }
        }

        for step in script {
            switch step {
            case .connect:
                let socket = try RawSocket(port: port)
                let address = "127.0.0.1:\(socket.localPort)"
                let connected = try await server.event("the connection from \(address)") {
                    $0["event"] as? String == "connected" && $0["peer"] as? String == address
                }
                sockets.append(socket)
                cids.append(try #require(connected["cid"] as? String))
                received.append([])
                open.append(true)
            case .send(let i, let frames):
                try await barrier(on: i, after: frames.flatMap { $0 })
            case .sendUnfinished(let i, let bytes):
                sockets[i].send(bytes)
            case .close(let i):
                try await catchUp()
                sockets[i].shutdownBoth()
                open[i] = false
                let cid = cids[i]
                _ = try await server.event("the end of \(cid)") { $0["event"] as? String == "closed" && $0["cid"] as? String == cid }
                if let other = open.firstIndex(of: true) {
                    try await barrier(on: other, after: [])
                }
            }
            try await catchUp()
        }
        server.signal(SIGTERM)
        #expect(try await server.exitCode() == 0)

        var run = OriginalServerRun()
        let placeholders = [(hostUid, "host")] + cids.enumerated().map { ($1, "connection \($0)") }
        run.streams = received.map { bytes in
            var text = String(bytes.map { Character(Unicode.Scalar($0)) }) // one character a byte, lossless
            for (uid, label) in placeholders {
                text = text.replacingOccurrences(of: uid, with: "<\(label)>".padding(toLength: uid.count, withPad: "_", startingAt: 0))
            }
            return text
        }
        run.verdicts = server.events.compactMap { line in
            switch line["event"] as? String {
            case "rejected": "rejected"
            case "ignored": "ignored \(line["type"] as? String ?? "?")"
            case "quirk": "quirk \(line["quirk"] as? String ?? "?")"
            case "joined", "left": "\(line["event"]!) \(line["username"].map { "\($0)" } ?? "?")"
            default: nil
            }
        }
        return run
    }
}
