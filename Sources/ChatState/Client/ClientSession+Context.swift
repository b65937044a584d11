/// A search result in context (feature `context`, docs/PROTOCOL.md "Context"): `/search` lists
/// its results numbered, `/context N` asks the server for the entries around result N, and the
/// answer is shown in the history pane in place of the live chat, the chosen entry marked,
/// until Esc goes back (see `UIState.context`).
extension ClientSession {
    var negotiatedContext: Bool { negotiatedHistory && common?.has(Capabilities.Feature.context) == true }

    /// `/context N`: the entries around result N of the latest search.
    mutating func showContext(ofResult n: Int, _ out: inout StepOutput) {
        guard phase == .joined, let conn else {
            return out.show(.notice("Not shown: not joined to a server."))
        }
        guard negotiatedContext else {
            return out.show(.notice("This server cannot show a search result in context (an older pychat, or an original PyChat server)."))
        }
        guard history.results.indices.contains(n - 1) else {
            let listed = history.results.isEmpty ? "search first: /search WORDS" : "the latest search listed 1 to \(history.results.count)"
            return out.show(.notice("No search result \(n): \(listed)."))
        }
        let seq = history.results[n - 1]
        history.contextAsked = (n, seq)
        history.contextEntries = []
        out.send(ExtensionCodec.frame(.contextRequest(room: RoomEntry.generalRoom, seq: seq, limit: Limits.historyPage)),
                 to: [conn])
    }

    /// One frame of a `Context`; once the last has come, the context is shown.
    mutating func received(context seq: Int64, _ entries: [RoomEntry], done: Bool, _ out: inout StepOutput) {
        guard let asked = history.contextAsked, asked.seq == seq else {
            return out.log("ignored a Context for \(seq), which we did not ask for (or no longer wait for)")
        }
        // At most what one answer may hold: a server that sends more frames is not believed.
        let room = 2 * Limits.historyPage + 1 - history.contextEntries.count
        history.contextEntries += entries.prefix(max(0, room))
        guard done else { return }
        let all = history.contextEntries
        history.contextAsked = nil
        history.contextEntries = []
        out.context = ContextView(result: asked.result, seq: seq, entries: all, interactive: config.terminal != nil)
    }
}

/// What the history pane shows in place of the live chat: a search result and the entries
/// around it, between a heading and an end line, the chosen entry marked with `▶`.
public struct ContextView: Equatable, Sendable {
    public let lines: [DisplayLine]
    /// The chosen entry's line (or where it would be, if the log no longer has it).
    public let chosen: Int

    public static let back = "Esc: back to live chat"

    /// `interactive`: a screen, where Esc goes back; a headless transcript has no Esc to tell of.
    public init(result: Int, seq: Int64, entries: [RoomEntry], interactive: Bool = true) {
        let back = interactive ? " · \(Self.back)" : ""
        var lines = [DisplayLine.notice("── search result \(result) in context\(back) ──")]
        var chosen: Int?
        for e in entries {
            if e.seq >= seq, chosen == nil {
                chosen = lines.count
                if e.seq != seq { lines.append(.notice("── result \(result) is no longer in the room log ──")) }
            }
            var line = e.displayLine
            if e.seq == seq { line.text = "▶ " + line.text }
            lines.append(line)
        }
        self.chosen = chosen ?? lines.count
        if chosen == nil, !entries.contains(where: { $0.seq == seq }) {
            lines.append(.notice("── result \(result) is no longer in the room log ──"))
        }
        lines.append(.notice("── end of the context\(back) ──"))
        self.lines = lines
    }
}

extension DisplayLine {
    /// A search result's line with its number in front, for `/context N`.
    func numbered(_ n: Int) -> DisplayLine {
        var line = self
        line.text = "[\(n)] " + text
        return line
    }
}
