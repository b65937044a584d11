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
}
