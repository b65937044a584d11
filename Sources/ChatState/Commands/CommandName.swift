/// A NAME in a command line (`/msg`, `/whois`, `/kick`, `/ban`, `/mute`, `/op`, ...). The
/// original's names may hold spaces (`mary jane`), so a name with spaces is written in double
/// quotes: `/msg "mary jane" hi`. The quoted name ends at the first `"` followed by a space or
/// the end of the line, so a name may hold a `"` too, only not one followed by a space. Quotes
/// rather than the longest match against the members' names: the line reads the same wherever
/// it is parsed (the client, the server) and whoever is in the room, and `/msg mary jane hi`
/// never goes to `mary` when `mary jane` was meant without saying so (see `Room.noOne`).
enum CommandName {
    static let quote: Character = "\""
    static let hint = "a NAME with spaces goes in double quotes: \"mary jane\""

    /// The name at the start of `rest` (trimmed), and what follows it, trimmed; nil for a quote
    /// that is not closed, or closes nothing.
    static func split(_ rest: Substring) -> (name: Substring, after: Substring)? {
        guard rest.first == quote else {
            let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
            return (rest[..<end], rest[end...].trimmingWhitespace())
        }
        let body = rest.dropFirst()
        var i = body.startIndex
        while i < body.endIndex {
            let next = body.index(after: i)
            if body[i] == quote, next == body.endIndex || body[next].isWhitespace {
                let name = body[..<i]
                return name.isEmpty ? nil : (name, body[next...].trimmingWhitespace())
            }
            i = next
        }
        return nil
    }

    /// What is wrong with a quote in `rest`, as a command's refusal says it.
    static let unclosed = "has a NAME whose quote is not closed: \(hint)"
}
