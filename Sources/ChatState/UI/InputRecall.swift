/// What the user sent before, to bring back into the input: Up on the input's first line goes
/// back, Down on its last goes forward (past the newest: what was being typed), Ctrl-R searches.
/// Kept per server across runs by the interpreter (`Effect.remember`, `Event.recalled`).
public struct InputRecall: Equatable, Sendable {
    /// Oldest first, at most `Limits`-style `capacity`, no two equal neighbours.
    public private(set) var entries: [String] = []
    /// The entry shown while browsing; nil: the input is the user's own draft.
    public private(set) var index: Int?
    /// The input as it was before browsing began, given back past the newest entry.
    private var draft = ""
    /// Ctrl-R: the words searched for, while searching.
    public private(set) var query: String?

    public static let capacity = 1_000

    public init() {}

    /// Entries loaded from an earlier run come before any sent in this one.
    mutating func load(_ earlier: [String]) {
        entries = Array((earlier + entries).suffix(Self.capacity))
        index = nil
    }

    mutating func add(_ text: String) {
        index = nil
        query = nil
        if entries.last == text { return }
        entries.append(text)
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }

    /// The entry before the one shown (or the newest, starting from `current`); nil at the oldest.
    mutating func older(than current: String) -> String? {
        let next = (index ?? entries.count) - 1
        guard next >= 0 else { return nil }
        if index == nil { draft = current }
        index = next
        return entries[next]
    }

    /// The entry after the one shown, or the draft past the newest; nil when not browsing.
    mutating func newer() -> String? {
        guard let i = index else { return nil }
        if i + 1 < entries.count {
            index = i + 1
            return entries[i + 1]
        }
        index = nil
        return draft
    }

    // MARK: Ctrl-R

    mutating func startSearch(from current: String) {
        if index == nil { draft = current }
        query = ""
    }

    /// The newest entry containing the query (ignoring case) before `index` (or from the newest
    /// when `again` is false); it becomes the one shown.
    mutating func search(_ query: String, again: Bool) -> String? {
        self.query = query
        guard !query.isEmpty else { return nil }
        let needle = query.lowercased()
        var i = again ? (index ?? entries.count) - 1 : entries.count - 1
        while i >= 0 {
            if entries[i].lowercased().contains(needle) {
                index = i
                return entries[i]
            }
            i -= 1
        }
        return nil
    }

    /// The search ends: what it found stays in the input (or, cancelled, the draft comes back).
    mutating func endSearch(cancelled: Bool) -> String? {
        query = nil
        guard cancelled else { return nil }
        index = nil
        return draft
    }
}
