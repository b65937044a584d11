/// How an entry of the room log reads as text: one home for the client's history lines and the
/// SystemMessages an original client may be sent (`--history-for-originals`).
extension RoomEntry {
    /// The entry's wall-clock time as `HH:MM` in UTC: the core knows no time zone (it has no
    /// clock at all; the time is the server's, carried in the entry).
    public var clock: String { ClockText.hhmm(wallMillis) }

    /// `alice: hi`, `alice joined the chat`, `alice left the chat`.
    public var summary: String {
        switch kind {
        case .chat: return author + ": " + text
        case .join: return author + " joined the chat"
        case .leave: return author + " left the chat"
        case .rename: return author + " is now known as " + text
        case .action: return "* " + author + " " + text
        case .topic: return text.isEmpty ? author + " cleared the topic" : author + " set the topic: " + text
        case .moderation: return author + " " + text
        }
    }

    /// `[12:01] alice: hi`: the line an original client is sent, within a SystemMessage that
    /// always fits a frame (a text at the limit under a long name is cut).
    public var systemLine: String {
        TextRules.fitted("[" + clock + "] " + summary, characters: .max, bytes: Limits.maxTextBytes)
    }

    /// The line a pychat client shows for it: a chat as the sender's line, a join or leave as a
    /// system line; both marked as the log's, with the server's time (the screen draws it in the
    /// timestamp column, a transcript in front of the text).
    public var displayLine: DisplayLine {
        var line: DisplayLine
        switch kind {
        case .chat: line = .chat(author, color, TextRules.cleanText(text))
        case .join, .leave, .rename, .action, .topic, .moderation: line = .system(TextRules.cleanText(summary))
        }
        line.fromLog = true
        line.time = wallMillis
        line.seq = seq
        return line
    }
}

extension Int64 {
    func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }

    func modulo(_ d: Int64) -> Int64 {
        let r = self % d
        return r < 0 ? r + d : r
    }
}
