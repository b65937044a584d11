/// Commands about this screen alone, answered by the UI before anything reaches the session:
/// they never go to a server, and work the same on a client and on the host's screen.
public enum LocalCommand: Equatable, Sendable {
    /// `/timestamps`: show or hide the time in front of every line (also Ctrl-T).
    case timestamps

    public static let names = ["/timestamps"]

    /// nil: not one of these (chat, or a command for the session).
    public static func parse(_ text: String) -> LocalCommand? {
        // One word between blanks, looked at only when the line starts with "/": splitting a
        // chat (up to 64 KiB pasted) into words to find that it is none costs more than its step.
        let rest = text.drop(while: \.isWhitespace)
        guard rest.first == "/" else { return nil }
        let word = rest.prefix { !$0.isWhitespace }
        guard rest.dropFirst(word.count).allSatisfy(\.isWhitespace) else { return nil }
        switch word {
        case "/timestamps": return .timestamps
        default: return nil
        }
    }
}

extension ChatApp {
    /// A line for the screen, with the time it arrived unless it brings its own (a line of the
    /// room log, or a live line a pychat server stamped).
    func stamped(_ line: DisplayLine) -> DisplayLine {
        guard line.time == nil, let wallMillis else { return line }
        var line = line
        line.time = wallMillis
        return line
    }

    mutating func perform(_ command: LocalCommand) {
        switch command {
        case .timestamps: ui?.format.timestamps.toggle()
        }
    }
}
