/// A user as listed in a ServerInfo: `{"uid", "username", "color"}` with no `type` inside.
public struct WireUser: Equatable, Hashable, Sendable, Codable {
    /// The original lets this be null, and lets it differ from the key it is listed under.
    public var uid: UID?
    public var username: String
    public var color: String

    public init(uid: UID?, username: String, color: String) {
        self.uid = uid
        self.username = username
        self.color = color
    }
}

/// One entry of a ServerInfo's `users` object: the key and the user stored under it.
public struct UserEntry: Equatable, Hashable, Sendable, Codable {
    public var key: UID
    public var user: WireUser

    public init(key: UID, user: WireUser) {
        self.key = key
        self.user = user
    }

    public init(_ user: WireUser, key: UID) { self.init(key: key, user: user) }
}

/// The messages of PyChat's protocol (JSON frames, kind 0x01). Nothing outside this set is
/// ever sent to a peer in a kind-0x01 frame: an original peer throws on anything else.
public enum Message: Equatable, Sendable {
    case joinRequest(username: String, color: String)
    /// `users` in wire order; `uid` is the receiver's own uid (null is tolerated on input).
    case serverInfo(users: [UserEntry], uid: UID?)
    /// `uid` is null when an original client speaks before it knows who it is.
    case chat(uid: UID?, text: String)
    case system(text: String)
    /// A bare `User` object: the original's decoder accepts it and both roles ignore it.
    case user(WireUser)

    public var typeName: String {
        switch self {
        case .joinRequest: return "JoinRequest"
        case .serverInfo: return "ServerInfo"
        case .chat: return "ChatMessage"
        case .system: return "SystemMessage"
        case .user: return "User"
        }
    }
}
