/// What `/who` and `/whois` say of a member: one home for the lines, whether the server sends
/// them as SystemMessages (an original client) or the client draws them from a `Who`/`Whois`
/// (feature `commands`). Under TLS they include the short fingerprint of the member's certificate.
public struct MemberDetails: Equatable, Sendable {
    public enum Client: String, Equatable, Sendable {
        /// The server's own user.
        case host
        case pychat
        case original
    }

    public var name: String
    public var color: RGB
    public var op: Bool
    /// The away text; nil when not away.
    public var away: String?
    /// Seconds since the member last chatted or used a command (since joining, if never).
    public var idleSeconds: Int
    /// Seconds since the member joined.
    public var hereSeconds: Int
    public var client: Client
    /// Its certificate's short fingerprint (`Identity.short`); nil without TLS, and for the host.
    public var fingerprint: String?

    public init(name: String, color: RGB, op: Bool, away: String?, idleSeconds: Int, hereSeconds: Int, client: Client,
                fingerprint: String? = nil) {
        self.name = name
        self.color = color
        self.op = op
        self.away = away
        self.idleSeconds = idleSeconds
        self.hereSeconds = hereSeconds
        self.client = client
        self.fingerprint = fingerprint
    }

    /// `@host idle 5s`, `alice (away: lunch) idle 3m`, `bob [1a2b3c4d5e6f7a8b] idle 0s`.
    public var whoLine: String {
        (op ? "@" : "") + name + (fingerprint.map { " [\($0)]" } ?? "") + (away.map { " (away: \($0))" } ?? "")
            + " idle " + Self.duration(idleSeconds)
    }

    /// `alice: colour ff8800, a pychat client, here 2h, idle 3m, away: lunch`.
    public var whoisLine: String {
        let what: String
        switch client {
        case .host: what = "the host"
        case .pychat: what = "a pychat client"
        case .original: what = "an original PyChat client"
        }
        return name + ": colour \(color), " + what + (op ? ", an op" : "") + ", here " + Self.duration(hereSeconds)
            + ", idle " + Self.duration(idleSeconds) + (away.map { ", away: \($0)" } ?? "")
            + (fingerprint.map { ", certificate \($0)" } ?? "")
    }

    /// `/who`'s lines: a heading, then one line per member listed.
    public static func whoLines(_ members: [MemberDetails], total: Int) -> [String] {
        let heading = total == 1 ? "1 member here:" : "\(total) members here:"
        let rest = total > members.count ? ["  and \(total - members.count) more"] : []
        return [heading] + members.map { "  " + $0.whoLine } + rest
    }

    /// 42s, 5m, 3h, 2d: the largest whole unit.
    static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }
}
