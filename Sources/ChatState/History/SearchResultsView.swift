/// What `/search` shows, on a client and on the host's screen alike: a heading, then the results
/// oldest first (the newest nearest the input, as in the chat), numbered for `/context N`.
enum SearchResultsView {
    /// The lines, and the results' sequence numbers in the order `/context N` numbers them.
    /// `entries`: newest first, as the store and the wire give them.
    static func lines(_ entries: [RoomEntry], words: [String], canPick: Bool) -> (lines: [DisplayLine], seqs: [Int64]) {
        let what = TextRules.cleanText(words.joined(separator: " "))
        let count = entries.count == 1 ? "1 result" : "\(entries.count) results"
        let pick = canPick && !entries.isEmpty ? "; /context N shows one in context" : ""
        let oldestFirst = Array(entries.reversed())
        let heading = DisplayLine.notice("Search for \"\(what)\": \(count)" + (entries.isEmpty ? "." : ", oldest first\(pick):"))
        return ([heading] + oldestFirst.enumerated().map { n, e in e.displayLine.numbered(n + 1) }, oldestFirst.map(\.seq))
    }
}
