/// What a typed line starting with `/` asks for: the one place a client reads commands (issue
/// #14 builds more). A line that does not start with `/` is chat; one that does is never sent
/// as chat, known or not.
public enum ClientCommand: Equatable, Sendable {
    /// `/search WORDS`: full-text search of the room log (a pychat server with `history`).
    case search(words: [String])
    /// `/context N`: result N of the latest search, with the entries around it (feature `context`).
    case context(result: Int)
    /// A command this client does not know, or one used wrongly: the notice to show.
    case error(String)

    public static let known = "/search WORDS, /context N"

    /// nil: not a command, but chat.
    public static func parse(_ text: String) -> ClientCommand? {
        guard text.hasPrefix("/") else { return nil }
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let name = words.first ?? "/"
        switch name {
        case "/search":
            let terms = Array(words.dropFirst())
            if terms.isEmpty { return .error("Usage: /search WORDS") }
            if terms.count > Limits.maxSearchWords { return .error("A search takes at most \(Limits.maxSearchWords) words.") }
            if terms.contains(where: { $0.utf8.count > Limits.maxSearchWordBytes }) {
                return .error("A search word may be at most \(Limits.maxSearchWordBytes) bytes long.")
            }
            return .search(words: terms)
        case "/context":
            guard words.count == 2, let n = Int(words[1]), n >= 1 else { return .error("Usage: /context N, N a result of the latest /search") }
            return .context(result: n)
        default:
            return .error("Unknown command \(TextRules.fitted(name, characters: Limits.maxNameLength, bytes: Limits.maxNameBytes)); this client knows \(known).")
        }
    }
}
