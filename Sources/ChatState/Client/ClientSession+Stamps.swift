extension ClientSession {
    /// A live line with the time of the `Stamp` a pychat server sent just before it (feature
    /// `history`): the server's clock, the same for everyone in the room. A stamp times one line;
    /// a line with none gets its arrival time from the app.
    mutating func serverTimed(_ line: DisplayLine) -> DisplayLine {
        guard let stamp = history.lastStamp, stamp.seq != history.stampUsed else { return line }
        history.stampUsed = stamp.seq
        var line = line
        line.time = stamp.wallMillis
        line.seq = stamp.seq
        return line
    }

    /// After a live line's frame (a kind-1 line, or an `Action`): the entry its `Stamp` named is
    /// seen, and while our Resume is answered the line waits with the others.
    mutating func shownLive(from start: Int, _ out: inout StepOutput) {
        if let seq = link.stamped {
            link.stamped = nil
            saw(seq)
        }
        // A stamp is for the frame right after it: one not shown (an ignored sender's chat)
        // must not lend its time and number to the next line.
        history.stampUsed = history.lastStamp?.seq
        holdLive(from: start, &out)
    }
}

extension ExtensionMessage {
    /// An extension frame that shows a room log entry live, after its `Stamp`.
    var isStampedLine: Bool {
        if case .action = self { return true }
        return false
    }
}
