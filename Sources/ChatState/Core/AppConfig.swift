/// Everything that decides how a session behaves, fixed at start and written at the head of
/// its event log, so a replay rebuilds the same initial state.
public struct AppConfig: Equatable, Codable, Sendable {
    public enum Role: String, Codable, Sendable { case server, client }

    public var role: Role
    /// The address listened on (server) or dialled (client).
    public var host: String
    public var port: Int
    /// Our own user: the host user of a server with a UI, or the client's user.
    public var username: String
    public var color: String
    /// The host user's uid, chosen by the interpreter. A server without one has no host user
    /// (a headless daemon).
    public var hostUID: UID?
    /// The terminal size when there is a UI; nil when headless.
    public var terminal: TerminalSize?
    public var maxFrameLength: Int
    public var maxConnections: Int
    /// Chats per second a member may send after a burst of `chatBurst`; more are delayed by
    /// reading that member more slowly, never dropped. 0: no limit.
    public var chatRate: Int
    public var chatBurst: Int
    public var admission: Admission.Policy
    /// Lines of the room log an original client is sent as SystemMessages after it joins
    /// (`[12:01] alice: hi`); 0, the default, keeps the original protocol exactly.
    public var historyForOriginals: Int
    /// A client that loses its server tries again on this schedule; nil (`--no-reconnect`,
    /// and every recording made before reconnecting existed) quits with exit code 3.
    public var reconnect: ReconnectPolicy?
    /// The session runs over TLS (`--ssl`); nil in logs written before it was recorded.
    public var tls: Bool?
    /// A mention rings the bell and posts a notification when the terminal is not focused;
    /// `--no-notify` sets false. nil (older logs): true.
    public var notify: Bool?

    public static let defaultMaxConnections = 20_000
    public static let defaultChatRate = 2
    public static let defaultChatBurst = 5

    public init(
        role: Role, host: String = "0.0.0.0", port: Int = 8080, username: String = TextRules.anonymous,
        color: String = "000000", hostUID: UID? = nil, terminal: TerminalSize? = nil,
        maxFrameLength: Int = Limits.maxFrameLength, maxConnections: Int = AppConfig.defaultMaxConnections,
        chatRate: Int = AppConfig.defaultChatRate, chatBurst: Int = AppConfig.defaultChatBurst,
        admission: Admission.Policy = Admission.Policy(), historyForOriginals: Int = 0,
        reconnect: ReconnectPolicy? = nil, tls: Bool = false, notify: Bool = true
    ) {
        self.notify = notify
        self.tls = tls
        self.role = role
        self.host = host
        self.port = port
        self.username = username
        self.color = color
        self.hostUID = hostUID
        self.terminal = terminal
        self.maxFrameLength = maxFrameLength
        self.maxConnections = maxConnections
        self.chatRate = chatRate
        self.chatBurst = chatBurst
        self.admission = admission
        self.historyForOriginals = historyForOriginals
        self.reconnect = reconnect
    }
}

public struct TerminalSize: Equatable, Hashable, Codable, Sendable {
    public var cols: Int
    public var rows: Int

    public init(cols: Int, rows: Int) {
        self.cols = cols
        self.rows = rows
    }
}
