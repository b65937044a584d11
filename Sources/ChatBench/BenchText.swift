import ChatState
import Glibc

/// The bench's chat texts and the fast scanner that reads them back: no JSON parser on the
/// receiving path, only fixed offsets and a fallback search.
///
/// A text is `b` SENDER `.` SEQ `.` TIME `.` then `x` up to the size asked for: the sender's
/// index (8 hex digits), its sequence number (8 hex digits) and the monotonic send time in
/// nanoseconds (16 hex digits). Plain ASCII, so every server relays it byte for byte.
enum BenchText {
    static let headerLength = 36

    /// The frame of a ChatMessage as a client sends it, with room for the header fields:
    /// filled in place by `stamp` for each message. The uid is the bytes the server's
    /// ServerInfo gave, echoed as they came (not parsed and written again).
    static func chatFrame(uid: [UInt8], sender: Int, size: Int) -> (frame: [UInt8], textOffset: Int) {
        var text = [UInt8](repeating: UInt8(ascii: "x"), count: max(size, headerLength))
        text[0] = UInt8(ascii: "b")
        text.withUnsafeMutableBufferPointer { writeHex(UInt64(sender), digits: 8, into: $0.baseAddress! + 1) }
        text[9] = UInt8(ascii: ".")
        text[18] = UInt8(ascii: ".")
        text[35] = UInt8(ascii: ".")
        let frame = FrameCodec.frame(kind: FrameCodec.jsonKind, parts: chatPrefix, uid, chatMiddle, text, chatSuffix)
        return (frame, frame.count - chatSuffix.count - text.count)
    }

    static func joinRequest(name: String) -> [UInt8] {
        FrameCodec.frame(.joinRequest(username: name, color: "0088ff"))
    }

    /// Writes the sequence number and time into a frame made by `chatFrame`.
    @inline(__always)
    static func stamp(_ p: UnsafeMutablePointer<UInt8>, seq: UInt32, time: UInt64) {
        writeHex(UInt64(seq), digits: 8, into: p + 10)
        writeHex(time, digits: 16, into: p + 19)
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    static func writeHex(_ v: UInt64, digits: Int, into p: UnsafeMutablePointer<UInt8>) {
        var v = v
        var i = digits - 1
        while i >= 0 {
            let d = UInt8(truncatingIfNeeded: v & 0xF)
            p[i] = d < 10 ? 0x30 + d : 0x57 + d
            v >>= 4
            i -= 1
        }
    }

    /// Fixed-width lower-case hex, nil on any other byte.
    @inline(__always)
    static func readHex(_ p: UnsafePointer<UInt8>, _ digits: Int) -> UInt64? {
        var v: UInt64 = 0
        for i in 0..<digits {
            let c = p[i]
            let d: UInt8
            if c &- 0x30 < 10 { d = c &- 0x30 } else if c &- 0x61 < 6 { d = c &- 0x57 } else { return nil }
            v = v << 4 | UInt64(d)
        }
        return v
    }

    // What the end of a message body says about its type (every PyChat writer puts "type" last).
    static let chatSuffix: [UInt8] = Array("\", \"type\": \"ChatMessage\"}".utf8)
    static let serverInfoSuffix: [UInt8] = Array("\", \"type\": \"ServerInfo\"}".utf8)
    static let systemSuffix: [UInt8] = Array("\"SystemMessage\"}".utf8)
    static let joinSuffix: [UInt8] = Array("\"JoinRequest\"}".utf8)
    static let chatPrefix: [UInt8] = Array("{\"uid\": \"".utf8)
    static let chatMiddle: [UInt8] = Array("\", \"text\": \"".utf8)
    static let textKey: [UInt8] = Array("\"text\": \"".utf8)

    enum Kind {
        case chat(sender: Int, seq: UInt32, time: UInt64)
        /// A ChatMessage whose text is not one of ours.
        case foreignChat
        /// ServerInfo, with the receiver's own uid (36 bytes) at this offset of the body.
        case serverInfo(uidOffset: Int)
        case system
        case joinRequest
        case other
    }

    static func hasSuffix(_ body: UnsafePointer<UInt8>, _ count: Int, _ suffix: [UInt8]) -> Bool {
        guard count >= suffix.count else { return false }
        return suffix.withUnsafeBufferPointer { memcmp(body + count - $0.count, $0.baseAddress!, $0.count) == 0 }
    }

    /// Where the text starts in the usual layout, `{"uid": "<36>", "text": "<text>", ...`.
    static let usualTextOffset = 57

    /// The body is a ChatMessage laid out as every PyChat writer lays it out (checked by a
    /// few bytes, so the search for the text is only for unusual writers).
    @inline(__always)
    static func hasUsualLayout(_ body: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        count >= usualTextOffset + headerLength + chatSuffix.count
            && chatPrefix.withUnsafeBufferPointer { memcmp(body, $0.baseAddress!, $0.count) } == 0
            && body[45] == UInt8(ascii: "\"") && body[49] == UInt8(ascii: "t")
            && body[usualTextOffset - 1] == UInt8(ascii: "\"")
    }

    /// Classifies one JSON body (the bytes after the kind byte).
    static func scan(_ body: UnsafePointer<UInt8>, _ count: Int) -> Kind {
        if hasSuffix(body, count, chatSuffix) {
            var text = usualTextOffset
            if !hasUsualLayout(body, count) {
                guard let found = find(textKey, in: body, count) else { return .foreignChat }
                text = found + textKey.count
            }
            guard count - text >= headerLength + chatSuffix.count else { return .foreignChat }
            let t = body + text
            guard t[0] == UInt8(ascii: "b"), t[9] == UInt8(ascii: "."), t[18] == UInt8(ascii: "."),
                  t[35] == UInt8(ascii: "."),
                  let sender = readHex(t + 1, 8), let seq = readHex(t + 10, 8), let time = readHex(t + 19, 16)
            else { return .foreignChat }
            return .chat(sender: Int(sender), seq: UInt32(truncatingIfNeeded: seq), time: time)
        }
        if hasSuffix(body, count, serverInfoSuffix) {
            let offset = count - serverInfoSuffix.count - 36
            return offset >= 0 ? .serverInfo(uidOffset: offset) : .other
        }
        if hasSuffix(body, count, systemSuffix) { return .system }
        if hasSuffix(body, count, joinSuffix) { return .joinRequest }
        return .other
    }

    static func find(_ needle: [UInt8], in body: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        guard count >= needle.count else { return nil }
        return needle.withUnsafeBufferPointer { n -> Int? in
            for i in 0...(count - n.count) where body[i] == n[0] && memcmp(body + i, n.baseAddress!, n.count) == 0 {
                return i
            }
            return nil
        }
    }
}
