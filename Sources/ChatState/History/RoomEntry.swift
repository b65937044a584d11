/// One event of a room's conversation as the room log keeps it: what was said or happened, in
/// which room, by whom, when (the server's wall clock, as it entered the core in `Event.time`),
/// and its place in the room's order. Sequence numbers only grow, also across restarts: the log
/// hands the next one to the room when the server starts.
public struct RoomEntry: Equatable, Hashable, Codable, Sendable {
    public enum Kind: String, Equatable, Hashable, Codable, Sendable {
        case chat
        case join
        case leave
        /// `/nick`: `author` is the old name, `text` the new one.
        case rename
        /// `/me`: `text` is the action.
        case action
        /// `/topic`: `text` is the new topic.
        case topic
        /// A kick, ban, mute or op: `author` did it, `text` says what (`kicked bob: spam`).
        case moderation

        /// The kinds a peer knows that did not negotiate `commands`: a client that decodes only
        /// these would refuse a whole `History` holding another.
        public static let original: Set<Kind> = [.chat, .join, .leave]
    }

    /// The room's name without `#`; the original's room is `general`.
    public var room: String
    public var seq: Int64
    /// Unix time in milliseconds, from the server's clock.
    public var wallMillis: Int64
    public var kind: Kind
    /// The member's name and colour at the time (names change; the entry does not).
    public var author: String
    public var authorUID: UID?
    public var color: RGB
    /// The chat's text, the action, the new name or topic; empty for joins and leaves.
    public var text: String
    /// The id a pychat client gave its chat, so a chat resent after a reconnect is known.
    public var clientID: String?

    public init(room: String, seq: Int64, wallMillis: Int64, kind: Kind, author: String, authorUID: UID?,
                color: RGB, text: String, clientID: String? = nil) {
        self.room = room
        self.seq = seq
        self.wallMillis = wallMillis
        self.kind = kind
        self.author = author
        self.authorUID = authorUID
        self.color = color
        self.text = text
        self.clientID = clientID
    }

    /// The room every original peer is in.
    public static let generalRoom = "general"
}
