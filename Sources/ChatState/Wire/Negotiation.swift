/// How a pychat peer learns that the other side is pychat too, without an original peer ever
/// noticing (docs/PROTOCOL.md, "Negotiation").
///
/// The sign is a kind-1 `SystemMessage` from a client, sent before its JoinRequest. It is the
/// one frame that every original server takes in silence: its handler's `match` has no case for
/// a SystemMessage from a client, so it neither throws (the frame decodes: known type, exactly
/// the original's fields), nor answers, nor relays it. An original client never sends one, so a
/// pychat server cannot mistake an original client for pychat. Every other idea fails somewhere:
/// a frame of another kind, or an extra field in the JoinRequest, makes the original throw (a
/// traceback on its user's screen); a ChatMessage would be relayed to everyone and shown.
///
/// A pychat server answers a sign with `ExtensionMessage.welcome`, in a kind-2 frame, which only
/// a peer that gave the sign ever receives. A client sends nothing but the original protocol
/// until that answer arrives, so against an original server it never does.
public struct Capabilities: Equatable, Sendable {
    /// The newest protocol version this peer speaks; 0 is the original's.
    public var version: Int
    /// The features this peer understands, in a canonical order (see `Feature.all`).
    public var features: [String]

    public init(version: Int, features: [String]) {
        self.version = version
        self.features = features
    }

    /// What this build of pychat speaks.
    public static let ours = Capabilities(version: 1, features: Feature.all)

    /// The protocol both peers speak: the older version, and the features both understand, in
    /// our order (so the answer does not depend on how the peer ordered its list).
    public func common(with peer: Capabilities) -> Capabilities {
        let theirs = Set(peer.features)
        return Capabilities(version: min(version, peer.version), features: features.filter(theirs.contains))
    }

    public func has(_ feature: String) -> Bool { features.contains(feature) }

    /// The same, less one feature (a client that does not reconnect offers no `resume`).
    public func without(_ feature: String) -> Capabilities {
        Capabilities(version: version, features: features.filter { $0 != feature })
    }

    /// The features for a log line (their names are plain ASCII words, see `PeerSign`).
    public var featureList: String { features.isEmpty ? "none" : features.joined(separator: " ") }

    /// Each feature is negotiated on its own: a peer that lacks one gets the original protocol for
    /// it, whatever else it has.
    public enum Feature {
        /// The server sends `RoomSize` on joins and leaves (a client's table may be short).
        public static let roomSize = "room-size"
        /// The room log (issue #13): the latest entries on joining, a `Stamp` before each live
        /// line, older pages and searches on request.
        public static let history = "history"
        /// Reconnecting without gaps or duplicates (issue #13, `Room+Resume.swift`): chats with
        /// the client's own ids, acknowledged, and what was missed on rejoining. Needs `history`.
        public static let resume = "resume"
        /// A search result shown in context (issue #13, `Room+Context.swift`): `ContextRequest`
        /// for the entries around one, answered by `Context`. Needs `history`.
        public static let context = "context"
        /// Commands (issue #14): a client's `/` lines go to the server as `Command`, and answers,
        /// actions, private messages and member details come back as extension messages.
        public static let commands = "commands"
        /// Rooms besides `#general` (issue #14, `Room+Rooms.swift`): `/join`, `/part`, `/rooms`,
        /// and what happens in those rooms as `Join`, `Part`, `RoomEntry`, `Rooms`. Needs
        /// `commands` (the lines travel as `Command`) and `history` (a room's log on joining).
        public static let rooms = "rooms"
        /// Every feature this build understands, in the order it lists them.
        public static let all = [roomSize, history, resume, commands, context, rooms]
    }
}

/// The sign's text: `pychat/VERSION` and the features, separated by single spaces, e.g.
/// `pychat/1 room-size`. Plain ASCII, so it is the same bytes however a peer escapes JSON.
public enum PeerSign {
    static let prefix = "pychat/"
    /// Bounds on what a server reads from a sign; past them the sign is malformed.
    static let maxFeatures = 64
    static let maxFeatureLength = 32
    static let maxVersionDigits = 6

    public static func text(_ capabilities: Capabilities) -> String {
        ([prefix + String(capabilities.version)] + capabilities.features).joined(separator: " ")
    }

    /// The frame a client sends as its sign.
    public static func frame(_ capabilities: Capabilities) -> [UInt8] {
        frameText(text(capabilities))
    }

    /// A sign's frame for any text, well-formed or not (tests and fuzzing build odd ones).
    public static func frameText(_ text: String) -> [UInt8] {
        FrameCodec.frame(.system(text: text))
    }

    public enum Reading: Equatable, Sendable {
        /// Not a sign at all: an ordinary (misplaced) SystemMessage.
        case notASign
        case malformed(String)
        case sign(Capabilities)
    }

    /// Reads a client's SystemMessage text. Linear in the text's length.
    public static func read(_ text: String) -> Reading {
        guard text.hasPrefix(prefix) else { return .notASign }
        let words = text.dropFirst(prefix.count).split(separator: " ", omittingEmptySubsequences: false)
        guard let first = words.first, !first.isEmpty, first.count <= maxVersionDigits,
              first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let version = Int(first) else {
            return .malformed("no protocol version after \(prefix)")
        }
        let features = words.dropFirst()
        guard features.count <= maxFeatures else { return .malformed("more than \(maxFeatures) features") }
        for f in features where !isFeatureName(f) {
            return .malformed("feature names are 1 to \(maxFeatureLength) of a-z, 0-9 and -")
        }
        return .sign(Capabilities(version: version, features: features.map(String.init)))
    }

    static func isFeatureName(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.count <= maxFeatureLength
            && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }
}
