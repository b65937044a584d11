import Testing
@testable import ChatState

@Suite struct FrameDecoderTests {
    let frames: [[UInt8]] = [
        FrameCodec.frame(.system(text: "one")),
        FrameCodec.frame(kind: 2, parts: [0xDE, 0xAD]),
        [0, 0, 0, 0],
        FrameCodec.frame(.chat(uid: nil, text: "😀 two")),
    ]

    var expected: [RawFrame] {
        [
            RawFrame(kind: 1, body: MessageCodec.encode(.system(text: "one"))),
            RawFrame(kind: 2, body: [0xDE, 0xAD]),
            RawFrame(kind: nil, body: []),
            RawFrame(kind: 1, body: MessageCodec.encode(.chat(uid: nil, text: "😀 two"))),
        ]
    }

    @Test func manyFramesInOneChunk() throws {
        var d = FrameDecoder()
        #expect(d.feed(frames.flatMap { $0 }) == expected)
        #expect(d.bufferedCount == 0)
    }

    @Test func oneByteAtATime() throws {
        var d = FrameDecoder()
        var got: [RawFrame] = []
        for byte in frames.flatMap({ $0 }) { got += d.feed([byte]) }
        #expect(got == expected)
    }

    /// A decoder that skips oversized frames reports each at its place and reads the frames
    /// after it, however the stream is cut, keeping nothing of the skipped body.
    @Test func skippingAnOversizedFrameAtEverySplitPoint() throws {
        let big = [0, 0, 0, 200] + [UInt8](repeating: 0x41, count: 200)
        let all = frames[0] + big + frames[3]
        let want = [expected[0], RawFrame(skipped: 200), expected[3]]
        for cut in 0...all.count {
            var d = FrameDecoder(limit: 100, oversized: .skip)
            let got = d.feed(all[..<cut]) + d.feed(all[cut...])
            #expect(got == want, "split at \(cut)")
            #expect(d.failure == nil)
        }
        var d = FrameDecoder(limit: 100, oversized: .skip)
        _ = d.feed(big.prefix(150))
        #expect(d.bufferedCount == 0)
    }

    @Test func everySplitPoint() throws {
        let all = frames.flatMap { $0 }
        for cut in 0...all.count {
            var d = FrameDecoder()
            let got = d.feed(all[..<cut]) + d.feed(all[cut...])
            #expect(got == expected, "split at \(cut)")
        }
    }

    @Test func partialFrameStaysBuffered() throws {
        var d = FrameDecoder()
        let f = frames[0]
        #expect(d.feed(f.dropLast()) == [])
        #expect(d.bufferedCount == f.count - 1)
        #expect(d.feed(f.suffix(1)) == [expected[0]])
    }

    @Test func oversizedHeaderFailsBeforeAnyBodyIsBuffered() throws {
        var d = FrameDecoder()
        #expect(d.feed([0x00, 0x01, 0x00]) == [])
        // The fourth header byte announces 65 537 bytes: one past the limit.
        #expect(d.feed([0x01, 0x01] + [UInt8](repeating: 0x41, count: 1000)) == [])
        #expect(d.failure == .tooLarge(announced: 65_537, limit: Limits.maxFrameLength))
        #expect(d.bufferedCount == 0)
        // The stream's framing is lost for good.
        #expect(d.feed(FrameCodec.frame(.system(text: "x"))) == [])
        #expect(d.failure == .tooLarge(announced: 65_537, limit: Limits.maxFrameLength))
    }

    @Test func framesBeforeABadHeaderInTheSameChunkAreKept() {
        var d = FrameDecoder()
        #expect(d.feed(frames[0] + [0xFF, 0xFF, 0xFF, 0xFF] + frames[3]) == [expected[0]])
        #expect(d.failure == .tooLarge(announced: .max, limit: Limits.maxFrameLength))
    }

    @Test func fourGigabyteAnnouncement() {
        var d = FrameDecoder()
        #expect(d.feed([0xFF, 0xFF, 0xFF, 0xFF]) == [])
        #expect(d.failure == .tooLarge(announced: .max, limit: Limits.maxFrameLength))
    }

    @Test func exactlyTheLimitIsAccepted() throws {
        var d = FrameDecoder()
        let body = [UInt8](repeating: 0x20, count: Limits.maxFrameLength - 1)
        #expect(d.feed(FrameCodec.frame(kind: 7, parts: body)) == [RawFrame(kind: 7, body: body)])
    }
}

@Suite struct ConnIDTests {
    @Test func aReusedSlotShowsItsGeneration() {
        #expect(ConnID(7).description == "#7")
        #expect(ConnID(1 << 32 | 7).description == "#7.1")
        #expect(ConnID(1 << 32 | 7) != ConnID(7))
    }
}
