@testable import ChatBench
import ChatState
import Testing

/// The bench's own reading of chat frames, on its own.
@Suite struct BenchTextTests {
    /// The bench reads every chat frame a PyChat writer makes at fixed offsets; a search is
    /// only for other layouts. Both find the same header.
    @Test func benchScansTheServersChatFramesAtFixedOffsets() {
        let uid = UID(randomBits: 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210)
        let (sent, offset) = BenchText.chatFrame(uid: Array(uid.description.utf8), sender: 7, size: 64)
        #expect(offset == 5 + BenchText.usualTextOffset)
        var stamped = sent
        stamped.withUnsafeMutableBufferPointer { BenchText.stamp($0.baseAddress! + offset, seq: 42, time: 99) }
        let text = Array(stamped[offset...].prefix(64))
        let relayed = FrameCodec.frame(.chat(uid: uid, text: String(decoding: text, as: UTF8.self)))
        // What the bench sends is the frame the codec writes for the same chat, byte for byte.
        #expect(stamped == relayed)
        // Python's json.dumps order with the keys in another order: the search's case.
        let reordered = Array("{\"text\": \"\(String(decoding: text, as: UTF8.self))\", \"uid\": \"\(uid)\", \"type\": \"ChatMessage\"}".utf8)
        for (body, usual) in [(Array(relayed.dropFirst(5)), true), (Array(stamped.dropFirst(5)), true), (reordered, false)] {
            body.withUnsafeBufferPointer { b in
                #expect(BenchText.hasUsualLayout(b.baseAddress!, b.count) == usual)
                guard case let .chat(sender, seq, time) = BenchText.scan(b.baseAddress!, b.count) else {
                    Issue.record("not read as a chat: \(String(decoding: body, as: UTF8.self))")
                    return
                }
                #expect(sender == 7 && seq == 42 && time == 99)
            }
        }
    }
}
