// The frame decoder and the message codec, as the server reads a connection.
// Input: one byte that chooses how the rest is cut into reads, then the byte stream.
// Invariants: the cut never changes the frames (nor the failure); no frame is over the
// limit; a decoded message survives encode then decode; the plain-chat fast path agrees with
// the full decoder; the work is linear in the input.
import ChatState

func fuzzOne(_ data: [UInt8]) {
    var input = FuzzInput(data)
    let seed = input.byte()
    let stream = Array(input.rest())
    let limit = 1024  // small, so that the fuzzer reaches the limit with short inputs

    var whole = FrameDecoder(limit: limit)
    let frames = expectLinear("FrameDecoder.feed", bytes: stream.count, perByte: 40) { whole.feed(stream) }

    var pieces = FrameDecoder(limit: limit)
    var pieceFrames: [RawFrame] = []
    for read in reads(of: stream.count, seed: seed, longest: 9) {
        pieceFrames += pieces.feed(stream[read])
    }
    expect(pieceFrames == frames, "frames differ when the stream is read in pieces")
    expect(pieces.failure == whole.failure, "failure differs when the stream is read in pieces")

    for frame in frames {
        expect(frame.body.count + (frame.kind == nil ? 0 : 1) <= limit, "frame over the limit decoded")
        guard frame.kind == FrameCodec.jsonKind else { continue }
        let decoded = try? expectLinear("MessageCodec.decode", bytes: frame.body.count, perByte: 50) {
            try MessageCodec.decode(frame.body)
        }
        if let text = MessageCodec.plainChatText(frame.body) {
            guard case .chat(_, let full)? = decoded else {
                expect(false, "plainChatText vouched for a body that is not a chat: \(String(describing: decoded))")
                return
            }
            expect(Array(full.utf8) == Array(frame.body[text]), "plainChatText's text differs from the decoder's")
        }
        if let message = decoded {
            let again = try? MessageCodec.decode(MessageCodec.encode(message))
            expect(again == message, "\(message) does not survive encode and decode: \(String(describing: again))")
        }
    }
}
