/// Every limit of the protocol and the room, each with one home.
public enum Limits {
    /// Largest frame (kind byte plus body) pychat accepts. The original has none and will read
    /// whatever a peer announces, up to 4 GiB.
    public static let maxFrameLength = 64 * 1024
    /// Longest user name, in characters, after cleaning.
    public static let maxNameLength = 32
    /// Longest chat text, in characters, after cleaning. Longer ones are refused, not cut.
    public static let maxTextLength = 4096
    /// Protocol violations (undecodable messages, messages out of place) a connection may make
    /// before the server closes it.
    public static let maxProtocolViolations = 5
    /// Lines of display history kept; the oldest are dropped. The original kept 32.
    public static let historyLines = 10_000
    /// Milliseconds a connection may take to finish its TLS handshake and send JoinRequest.
    public static let joinDeadlineMillis = 10_000
    /// Milliseconds of quiet after a join or leave before stale user tables are refreshed.
    /// The wait batches a burst of joins into one ServerInfo per member.
    public static let tableRefreshMillis = 50
    /// Deepest JSON nesting the decoder follows before calling the input malformed.
    public static let maxJSONDepth = 64
}
