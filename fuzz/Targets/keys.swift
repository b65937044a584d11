// The terminal key decoder. Input: one byte that chooses how the rest is cut into reads,
// then the terminal's bytes. Invariants: the cut never changes the keys (text batching
// aside, as KeyDecoder promises), memory stays within the decoder's bounds, work is linear.
import ChatState

func fuzzOne(_ data: [UInt8]) {
    var input = FuzzInput(data)
    var cut = UInt32(input.byte()) | 1
    let stream = Array(input.rest())
    let bound = KeyDecoder.maxSequenceBytes + 4 + KeyDecoder.maxPasteBytes

    var whole = KeyDecoder()
    var keys = expectLinear("KeyDecoder.feed", bytes: stream.count, perByte: 60) { whole.feed(stream) }
    keys += whole.escapeTimeout()

    var pieces = KeyDecoder()
    var pieceKeys: [Key] = []
    var at = 0
    while at < stream.count {
        cut = cut &* 1_103_515_245 &+ 12_345
        let n = min(stream.count - at, 1 + Int(cut >> 16) % 7)
        pieceKeys += pieces.feed(stream[at..<at + n])
        expect(pieces.bufferedByteCount <= bound, "\(pieces.bufferedByteCount) bytes buffered")
        at += n
    }
    pieceKeys += pieces.escapeTimeout()
    expect(mergingText(pieceKeys) == mergingText(keys),
           "keys differ when read in pieces: \(mergingText(pieceKeys)) vs \(mergingText(keys))")
}

/// Adjacent text keys as one: the decoder batches text per read.
func mergingText(_ keys: [Key]) -> [Key] {
    var out: [Key] = []
    for key in keys {
        if case .text(let more) = key, case .text(let text)? = out.last {
            out[out.count - 1] = .text(text + more)
        } else {
            out.append(key)
        }
    }
    return out
}
