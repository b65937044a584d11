/// An op put us out (`Removed`, feature `commands`): the session ends here, whatever the
/// reconnect policy says. A kicked client that dialled again would be back at once, and a
/// banned one would be refused on every attempt of its backoff, for ever. The screen stays, with
/// a last line saying who did it and why (`kicked by bob: spam`, `banned by bob until 15:00`),
/// until the user quits; a headless client ends at once. Either way the exit code is
/// `ExitCode.removed`.
extension ClientSession {
    mutating func removed(_ removal: Removal, _ out: inout StepOutput) {
        if case .disconnected = phase { return }
        let text = removal.lastLine(now: wallNow, offsetSeconds: utcOffsetSeconds)
        // A refusal at join comes while our Resume is being answered: the line saying so was held.
        out.lines += link.held
        link.held = []
        link.awaitingResume = false
        phase = .disconnected(reason: text)
        removedText = text
        out.show(.notice(text))
        out.log("removed from the server: \(text)")
        if let conn { out.effects.append(.close(conn: conn, reason: text)) }
        if config.terminal == nil { out.effects.append(.quit(code: ExitCode.removed, message: nil)) }
    }

    /// How the session ends when its user quits: `ExitCode.removed` once an op put us out.
    public var quitCode: Int32 { removedText == nil ? ExitCode.ok : ExitCode.removed }
}

extension Removal {
    /// `kicked by bob: spam`, `banned by bob until 15:00`, `banned by bob until Friday 4
    /// December 2026 09:30: spam`: the ban's end in the user's zone, its day when not today.
    public func lastLine(now: Int64?, offsetSeconds: Int) -> String {
        var text = "\(how.rawValue) by \(TextRules.cleanText(by))"
        if let until = untilWallMillis {
            let day = ClockText.day(until, offsetSeconds: offsetSeconds)
            let today = now.map { ClockText.day($0, offsetSeconds: offsetSeconds) }
            text += " until " + (day == today ? "" : ClockText.dayName(day) + " ") + ClockText.hhmm(until, offsetSeconds: offsetSeconds)
        }
        if let reason { text += ": " + TextRules.cleanText(reason) }
        return text
    }
}
