/// Every limit of the protocol and the room, each with one home.
public enum Limits {
    /// Largest frame (kind byte plus body) pychat accepts. The original has none and will read
    /// whatever a peer announces, up to 4 GiB.
    public static let maxFrameLength = 64 * 1024
    /// Longest user name, in characters, after cleaning.
    public static let maxNameLength = 32
    /// Longest user name in bytes as the wire carries it (JSON with every non-ASCII character
    /// a `\uXXXX` escape, quotes excluded), after cleaning. With it every whole table of up to
    /// `wholeTableMembers` members, and every short table, fits in one frame.
    public static let maxNameBytes = 512
    /// Longest chat text, in characters, after cleaning. Longer ones are refused, not cut.
    public static let maxTextLength = 4096
    /// Longest chat text in bytes as the wire carries it (escaped, quotes excluded). The
    /// ChatMessage around a text adds 83 bytes (kind byte, uid, field names, quotes), so a text this
    /// long still fits in a frame every pychat accepts. Longer ones are refused, not cut.
    public static let maxTextBytes = 65_000
    /// Most code points in one character (grapheme cluster). UAX #15's stream-safe format
    /// allows 30 combining marks in a row; no real character needs more. A longer cluster
    /// ("a" and 1000 accents) counts as one character per code point towards a text's limit,
    /// and a name keeps only its first `maxClusterScalars` code points.
    public static let maxClusterScalars = 32
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
    /// Rooms of at most this many members keep every member's table whole: a joiner gets the
    /// whole table and stale tables are refreshed once joins pause. In larger rooms a joiner
    /// gets a short table (the host, the recent speakers, itself) and learns of others lazily.
    public static let wholeTableMembers = 64
    /// In a room of at most this many members, a member about to be sent a chat from someone
    /// it does not know gets the whole table; in larger ones, a short table as a joiner does.
    public static let lazyWholeTableMembers = 2048
    /// The most recent distinct speakers a room remembers, for the short tables.
    public static let recentSpeakers = 16
    /// Milliseconds after an announced join or leave during which further ones are collected
    /// into one announcement ("alice, bob and 40 others joined the chat").
    public static let announceMillis = 100
    /// An announcement of this many names or fewer lists them all; a longer one names the
    /// first two and counts the others.
    public static let announcedNames = 8
    /// Deepest JSON nesting the decoder follows before calling the input malformed.
    public static let maxJSONDepth = 64

    /// The room log's latest entries a room keeps in memory, to answer joins and recent pages.
    public static let roomMemoryEntries = 1000
    /// Entries a pychat client that negotiated `history` is sent when it joins, and the most a
    /// `HistoryRequest` may ask for.
    public static let historyPage = 100
    /// The most results a `Search` may ask for, and the most words it may hold, each of at
    /// most `maxSearchWordBytes` bytes (UTF-8).
    public static let maxSearchResults = 50
    public static let maxSearchWords = 8
    public static let maxSearchWordBytes = 64
    /// A member's history requests and searches (each a query to disk): a burst, then this
    /// many a second; more wait, as chats over their rate do.
    public static let historyQueryBurst = 4
    public static let historyQueryRate = 1

    /// Feature `resume`: a client that reconnects is sent every entry it missed, up to this
    /// many; above it, the newest `historyPage` and how many it can load by scrolling.
    public static let resumeMaxMissed = 1000
    /// The most bytes of entries one resume answer carries (a thousand long chats would be 65
    /// MB): the newest that fit, the rest counted as skipped, to be loaded by scrolling.
    public static let resumeMaxBytes = 256 * 1024
    /// Sessions whose last chat id a server remembers (to relay a resent chat once); the one
    /// heard of longest ago is forgotten first.
    public static let chatSessions = 4096
    /// Live lines a reconnecting client holds back until the answer to its `Resume` is shown
    /// (so the missed entries come first); past it, the rest are shown as they come.
    public static let heldLiveLines = 10_000

    /// Members `/who` lists (the answer says how many more there are): a screenful, and a frame
    /// of at most this many member details always fits.
    public static let whoListed = 50
    /// Ops and away members each, in a `Marks` frame: 1 000 uids are 40 KB, within a frame.
    public static let marksListed = 1000
    /// Longest away text, in characters and in bytes on the wire: longer ones are cut, so that
    /// a `Who` of `whoListed` members fits in a frame.
    public static let maxAwayLength = 64
    public static let maxAwayBytes = 512
    /// Longest topic, in characters; a longer one is refused, as a long chat is.
    public static let maxTopicLength = 300
    /// Moderation (issue #14): the longest reason kept with a kick or a ban, in characters;
    /// the longest ban or mute, in days; bans kept at once, and how many `/bans` lists.
    public static let maxModerationReasonLength = 200
    public static let maxModerationDays = 3650
    public static let maxBans = 10_000
    public static let bansListed = 50
    /// Names held by other certificates a joiner's suffix goes past before it takes one anyway.
    public static let heldNameTries = 8
    /// Private messages kept for one certificate while it is not here; more are refused.
    public static let heldMessagesPerIdentity = 20
}
