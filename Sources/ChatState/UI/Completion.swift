/// Tab completion in the input: after a partial word that starts a member's name (or, at the
/// start of the input after `/`, a command) Tab puts in the first match, and Tab again the next,
/// round and round. Anywhere else Tab keeps the original's meaning: focus moves.
public struct Completion: Equatable, Sendable {
    /// Where the completed word starts, in characters of the input.
    var start: Int
    var candidates: [String]
    var index: Int
    /// Characters the current candidate put in (the candidate and its space).
    var inserted: Int

    /// Commands Tab completes after `/`: every row of the command table (so `/context` and
    /// whatever is added to it), then the screen's own.
    public static let commands = CommandSpec.all.map { "/" + $0.name } + LocalCommand.names

    /// The completion a first Tab starts, or nil when the word before the cursor starts nothing.
    /// Names match ignoring case, in the order given (first come, first offered), each once.
    static func start(in input: InputBuffer, names: [String]) -> Completion? {
        let chars = input.characters
        var start = input.cursor
        while start > 0, !chars[start - 1].isWhitespace { start -= 1 }
        guard start < input.cursor else { return nil }
        let word = String(chars[start..<input.cursor]).lowercased()
        let pool = word.hasPrefix("/") && start == 0 ? commands : names
        var seen = Set<String>()
        let candidates = pool.filter { $0.lowercased().hasPrefix(word) && $0.lowercased() != word && seen.insert($0).inserted }
        guard !candidates.isEmpty else { return nil }
        return Completion(start: start, candidates: candidates, index: -1, inserted: input.cursor - start)
    }

    /// The next candidate in place of the word (or of the last candidate).
    mutating func next(in input: inout InputBuffer) {
        index = (index + 1) % candidates.count
        var chars = input.characters
        let text = Array(candidates[index] + " ")
        chars.replaceSubrange(start..<(start + inserted), with: text)
        inserted = text.count
        input = InputBuffer(String(chars), cursor: start + inserted)
    }
}
