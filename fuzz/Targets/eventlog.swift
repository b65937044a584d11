// The event-log reader and replay, on any text (a log may be truncated, corrupted or hostile).
// Invariants: no crash; replay never claims more steps than the log has lines; a step line
// that reads back survives being written and read again.
import ChatState

func fuzzOne(_ data: [UInt8]) {
    let text = String(decoding: data, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (n, line) in lines.enumerated().dropFirst() {
        guard let step = try? EventLog.step(line, lineNumber: n + 1) else { continue }
        let again = try? EventLog.step(Substring(EventLog.line(step)), lineNumber: n + 1)
        expect(again == step, "step \(step) does not survive writing and reading")
    }
    let result = Replay.run(text, stopAtDivergence: false)
    expect(result.stepsReplayed <= max(0, lines.count - 1), "\(result.stepsReplayed) steps from \(lines.count) lines")
    expect(result.header != nil || result.damage != nil, "no header and no damage")
}
