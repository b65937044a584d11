// The terminal key decoder. Input: one byte that chooses how the rest is cut into reads,
// then the terminal's bytes. Invariants: the cut never changes the keys (text batching
// aside, as KeyDecoder promises), memory stays within the decoder's bounds, work is linear.
import ChatState

func fuzzOne(_ data: [UInt8]) {
    var input = FuzzInput(data)
    let seed = input.byte()
    let stream = Array(input.rest())
    let bound = KeyDecoder.maxSequenceBytes + 4 + KeyDecoder.maxPasteBytes

    var whole = KeyDecoder()
    var keys = expectLinear("KeyDecoder.feed", bytes: stream.count, perByte: 60) { whole.feed(stream) }
    keys += whole.escapeTimeout()

    var pieces = KeyDecoder()
    var pieceKeys: [Key] = []
    for read in reads(of: stream.count, seed: seed, longest: 7) {
        pieceKeys += pieces.feed(stream[read])
        expect(pieces.bufferedByteCount <= bound, "\(pieces.bufferedByteCount) bytes buffered")
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
