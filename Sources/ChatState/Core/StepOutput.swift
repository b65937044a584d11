/// What one step of a session reducer produced: effects for the interpreter, and lines for
/// the local user (the app puts them in the UI history, or prints them when headless).
public struct StepOutput: Equatable, Sendable {
    public var effects: [Effect] = []
    public var lines: [DisplayLine] = []
    /// The room log's entries made by this step: one `Effect.store` for them all.
    var entries: [RoomEntry] = []
    /// Lines older than any the user was shown (a page of the room log scrolled up to).
    var olderLines: [DisplayLine] = []
    /// The display history starts again before `lines` (a rejoin that missed too much to show).
    var restartDisplay = false
    /// A search result in context, for the history pane until the user goes back to live chat.
    var context: ContextView?
    /// The text the user submitted was refused (too long): the UI gives it back to the input.
    var inputRefused = false
    /// The server went away (to be dialled again): what comes after is marked unread.
    var connectionLost = false

    public init() {}

    mutating func send(_ bytes: [UInt8], to conns: [ConnID]) {
        if !conns.isEmpty { effects.append(.send(to: conns, bytes: Bytes(bytes))) }
    }

    mutating func log(_ line: String) { effects.append(.log(line)) }
    mutating func show(_ line: DisplayLine) { lines.append(line) }
}
