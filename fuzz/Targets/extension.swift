// The extension codec (kind-0x02 bodies). Invariants: no crash, linear work, and a decoded
// message survives frame then decode unchanged.
import ChatState

func fuzzOne(_ data: [UInt8]) {
    let message = try? expectLinear("ExtensionCodec.decode", bytes: data.count, perByte: 50) {
        try ExtensionCodec.decode(data)
    }
    guard let message else { return }
    let frame = ExtensionCodec.frame(message)
    expect(frame[4] == ExtensionCodec.kind, "an extension frame of kind \(frame[4])")
    let again = try? ExtensionCodec.decode(Array(frame[5...]))
    expect(again == message, "\(message) does not survive frame and decode: \(String(describing: again))")
}
