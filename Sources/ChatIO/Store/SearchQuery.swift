/// A user's search words as an FTS5 query that means only "entries containing all of these
/// words": each word becomes a quoted phrase (its `"` doubled), so `*`, `-`, `NEAR`, `OR`,
/// `:`, parentheses and quotes are text, never FTS5 syntax. A word with no letter or digit
/// (what the index's unicode61 tokenizer would drop) is left out, since an empty phrase
/// cannot match; nil when no word is left: the search answers nothing.
enum SearchQuery {
    static func fts5(_ words: [String]) -> String? {
        var query = ""
        var seen = Set<String>()
        for word in words where hasToken(word) && seen.insert(word).inserted {
            if !query.isEmpty { query += " " }
            query += "\""
            for ch in word.unicodeScalars {
                if ch == "\"" { query += "\"\"" } else { query.unicodeScalars.append(ch) }
            }
            query += "\""
        }
        return query.isEmpty ? nil : query
    }

    /// Letters, digits and private-use characters are what unicode61 keeps as token characters.
    static func hasToken(_ word: String) -> Bool {
        word.unicodeScalars.contains { s in
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber, .privateUse:
                return true
            default:
                return false
            }
        }
    }
}
