/// Splits standard input into lines for a headless session: one `inputLine` per `\n`
/// (a `\r` before it is dropped), invalid UTF-8 replaced rather than refused.
struct LineReader {
    private var pending: [UInt8] = []

    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var lines: [String] = []
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                lines.append(Self.text(pending))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(b)
            }
        }
        return lines
    }

    /// At end of input: the last line if it had no newline.
    mutating func finish() -> String? {
        defer { pending = [] }
        return pending.isEmpty ? nil : Self.text(pending)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        var b = bytes[...]
        if b.last == UInt8(ascii: "\r") { b = b.dropLast() }
        return String(decoding: b, as: UTF8.self)
    }
}
