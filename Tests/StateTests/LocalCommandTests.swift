import ChatState
import Testing

/// A screen's own command is one word between blanks, exactly `/timestamps`; anything else is
/// for the session (a chat or a server command).
@Suite struct LocalCommandTests {
    @Test func onlyTheWordAloneBetweenBlanksIsTheCommand() {
        for line in ["/timestamps", "  /timestamps", "/timestamps \t ", "\u{3000}/timestamps\u{00A0}"] {
            #expect(LocalCommand.parse(line) == .timestamps, "\(line.debugDescription)")
        }
        for line in ["", "   ", "timestamps", "/timestamp", "/timestampsx", "/timestamps now", "say /timestamps",
                     "//timestamps", "/timestamps\u{301}", "/Timestamps", "/who"] {
            #expect(LocalCommand.parse(line) == nil, "\(line.debugDescription)")
        }
    }
}
