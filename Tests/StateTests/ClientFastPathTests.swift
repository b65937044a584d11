import Testing
@testable import ChatState

/// The client's fast paths held to the general code they skip (beside `FastPathTests`): a
/// `\u` escape's scalar written as its UTF-8 by hand, a typed text cut into Characters in one pass.
@Suite struct ClientFastPathTests {
    @Test func anEscapedScalarIsReadAsItsOwnUTF8() throws {
        // Every scalar past ASCII of the first three planes and a sample beyond, as Python
        // escapes it (`\uXXXX`, a surrogate pair past the BMP), between plain bytes: read as
        // the String of that scalar, whose UTF-8 the parser writes itself.
        func hex(_ u: UInt32) -> String { "\\u" + String(repeating: "0", count: 4 - String(u, radix: 16).count) + String(u, radix: 16) }
        var read = 0
        for v in stride(from: UInt32(0x80), through: 0x10FFFF, by: 1) where v < 0x30000 || v % 61 == 0 || v == 0x10FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let escaped = v < 0x10000 ? hex(v) : hex(0xD800 + ((v - 0x10000) >> 10)) + hex(0xDC00 + ((v - 0x10000) & 0x3FF))
            let value = try JSONParser.parse(Array("\"a\(escaped)b\"".utf8))
            guard case .string(let text) = value else { Issue.record("U+\(String(v, radix: 16))"); continue }
            #expect(Array(text.utf8) == Array(("a" + String(scalar) + "b").utf8), "U+\(String(v, radix: 16))")
            read += 1
        }
        #expect(read > 200_000)
    }

    @Test func anInputIsCutIntoTheCharactersArrayCutsItInto() {
        // Strings of up to three of the tricky ones (neighbours join: e + U+0301, CR LF, jamo,
        // flags, ZWJ), one pass over them: Array's Characters, each of the same bytes.
        for s in FastPathTests.strings(FastPathTests.tricky, upTo: 3) {
            let fast = InputBuffer.characters(of: s), general = Array(s)
            #expect(fast.count == general.count && zip(fast, general).allSatisfy { $0.utf8.elementsEqual($1.utf8) },
                    "\(s.debugDescription)")
        }
    }
}
