/// The text being typed, possibly over several lines, and the cursor in it. The cursor moves
/// by grapheme cluster (Swift's Character), so an emoji or an accented letter is one step.
public struct InputBuffer: Equatable, Sendable {
    public private(set) var characters: [Character] = []
    /// Index into `characters`: the cursor stands before this character.
    public private(set) var cursor = 0

    public init(_ text: String = "", cursor: Int? = nil) {
        characters = Self.characters(of: text)
        self.cursor = cursor ?? characters.count
    }

    /// `Array(s)` in one pass over its Characters: Array's own init counts them first (finding
    /// every grapheme break twice), and a refused paste given back is thousands of them.
    static func characters(of s: String) -> [Character] {
        var out: [Character] = []
        for c in s { out.append(c) }
        return out
    }

    /// The Characters' bytes joined: the same scalars as `String(characters)`, which appends a
    /// Character at a time (most of what a pasted text of thousands cost a simulation). A byte
    /// at a time: appending each Character's UTF-8 view as a collection costs twice as much.
    public var text: String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(characters.count)
        for c in characters {
            for b in c.utf8 { utf8.append(b) }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
    public var isEmpty: Bool { characters.isEmpty }

    public mutating func insert(_ s: String) {
        let new = Self.characters(of: s)
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    public mutating func clear() { characters = []; cursor = 0 }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    public mutating func left() { cursor = max(0, cursor - 1) }
    public mutating func right() { cursor = min(characters.count, cursor + 1) }

    /// Start of the line the cursor is on.
    var lineStart: Int {
        var i = cursor
        while i > 0, characters[i - 1] != "\n" { i -= 1 }
        return i
    }

    /// End of the line the cursor is on (the index of its newline, or the end).
    var lineEnd: Int {
        var i = cursor
        while i < characters.count, characters[i] != "\n" { i += 1 }
        return i
    }

    public mutating func home() { cursor = lineStart }
    public mutating func end() { cursor = lineEnd }

    /// Ctrl-U: delete from the start of the line to the cursor.
    public mutating func killToLineStart() {
        let start = lineStart
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Ctrl-K: delete from the cursor to the end of the line.
    public mutating func killToLineEnd() {
        characters.removeSubrange(cursor..<lineEnd)
    }

    /// Ctrl-W: delete the word before the cursor and the spaces after it.
    public mutating func killWordBack() {
        var i = cursor
        while i > 0, characters[i - 1].isWhitespace, characters[i - 1] != "\n" { i -= 1 }
        while i > 0, !characters[i - 1].isWhitespace { i -= 1 }
        characters.removeSubrange(i..<cursor)
        cursor = i
    }

    /// Up and Down move between the lines of a multi-line input, keeping the column where
    /// they can. They report false at the first or last line so the caller may scroll instead.
    public mutating func lineUp() -> Bool {
        let start = lineStart
        guard start > 0 else { return false }
        let column = cursor - start
        cursor = start - 1
        let previousStart = lineStart
        cursor = min(previousStart + column, start - 1)
        return true
    }

    public mutating func lineDown() -> Bool {
        let end = lineEnd
        guard end < characters.count else { return false }
        let column = cursor - lineStart
        cursor = end + 1
        cursor = min(cursor + column, lineEnd)
        return true
    }
}
