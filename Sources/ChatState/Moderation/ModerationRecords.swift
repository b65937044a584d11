/// What the server remembers of identities and moderation across restarts (issue #14), as the
/// core sees it: the interpreter loads it from the database before the server listens
/// (`Event.restoredModeration`) and writes each change the core makes (`Effect.keepModeration`).
/// The SQL is the interpreter's (`ChatIO/Store/ModerationSchema.swift`); these are the core's
/// words for it.
///
/// An identity is a client certificate's SHA-256 fingerprint, 64 lowercase hex digits, which
/// the interpreter reports once the TLS handshake is done (`Event.identified`). Without TLS
/// there are none, and names stay first come, first served.
public enum Identity {
    /// The short form `/who` and `/whois` show: the first 16 hex digits (64 bits: enough to tell
    /// the members of a room apart, short enough to read aloud).
    public static func short(_ fingerprint: String) -> String { String(fingerprint.prefix(16)) }
}

/// Who a ban or a mute is for: the certificate under TLS, the source address otherwise.
public enum ModerationSubject: Hashable, Codable, Sendable, Comparable {
    case identity(String)
    case address(String)

    /// `certificate 1a2b3c4d5e6f7a8b`, `address 10.0.0.7`: how lists and logs name it.
    public var description: String {
        switch self {
        case .identity(let fp): return "certificate " + Identity.short(fp)
        case .address(let a): return "address " + a
        }
    }

    /// `identity`/`address` and the value: the database's two columns.
    public var kind: String {
        switch self {
        case .identity: return "identity"
        case .address: return "address"
        }
    }

    public var value: String {
        switch self {
        case .identity(let v), .address(let v): return v
        }
    }

    public init?(kind: String, value: String) {
        switch kind {
        case "identity": self = .identity(value)
        case "address": self = .address(value)
        default: return nil
        }
    }
}

/// One ban: whom, under which name they were banned, by whom, why, when, until when.
public struct Ban: Equatable, Codable, Sendable {
    public var subject: ModerationSubject
    /// The member's name when banned: what `/bans` shows and `/unban NAME` finds.
    public var name: String
    public var by: String
    public var reason: String?
    /// Unix milliseconds, from the wall clock of `Event.time`.
    public var setAtWallMillis: Int64
    /// nil: until `/unban`.
    public var expiresAtWallMillis: Int64?

    public init(subject: ModerationSubject, name: String, by: String, reason: String?, setAtWallMillis: Int64,
                expiresAtWallMillis: Int64?) {
        self.subject = subject
        self.name = name
        self.by = by
        self.reason = reason
        self.setAtWallMillis = setAtWallMillis
        self.expiresAtWallMillis = expiresAtWallMillis
    }

    /// Whether it still holds at this wall-clock time.
    public func holds(at wallMillis: Int64) -> Bool { expiresAtWallMillis.map { wallMillis < $0 } ?? true }
}

/// Everything kept, as loaded at start. Lists, not dictionaries, so a recorded event log
/// replays in the same order on every machine.
public struct ModerationRecords: Equatable, Codable, Sendable {
    /// Which identity holds which name (one name each: its latest).
    public var names: [HeldName]
    /// Identities that are ops.
    public var ops: [String]
    public var bans: [Ban]
    /// Private messages to certificates that were not here, oldest first.
    public var messages: [HeldMessage]
    /// Mutes in force when the server stopped (schema version 3).
    public var mutes: [Mute]
    /// Rooms an op dropped, each name's latest drop (schema version 4), in order of dropping.
    public var drops: [RoomDrop]

    public struct HeldName: Equatable, Codable, Sendable {
        public var identity: String
        public var name: String

        public init(identity: String, name: String) {
            self.identity = identity
            self.name = name
        }
    }

    public init(names: [HeldName] = [], ops: [String] = [], bans: [Ban] = [], messages: [HeldMessage] = [], mutes: [Mute] = [],
                drops: [RoomDrop] = []) {
        self.names = names
        self.ops = ops
        self.bans = bans
        self.messages = messages
        self.mutes = mutes
        self.drops = drops
    }

    private enum CodingKeys: String, CodingKey { case names, ops, bans, messages, mutes, drops }

    /// A session recorded before mutes (or drops) were kept has none: it replays as none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(names: try c.decode([HeldName].self, forKey: .names), ops: try c.decode([String].self, forKey: .ops),
                  bans: try c.decode([Ban].self, forKey: .bans), messages: try c.decode([HeldMessage].self, forKey: .messages),
                  mutes: try c.decodeIfPresent([Mute].self, forKey: .mutes) ?? [],
                  drops: try c.decodeIfPresent([RoomDrop].self, forKey: .drops) ?? [])
    }
}

/// One mute: whom, and until when (wall-clock Unix milliseconds of `Event.time`; nil: until
/// `/unmute`). Kept in the database like a ban, so a restart does not lift it.
public struct Mute: Equatable, Codable, Sendable {
    public var subject: ModerationSubject
    public var untilWallMillis: Int64?

    public init(subject: ModerationSubject, untilWallMillis: Int64?) {
        self.subject = subject
        self.untilWallMillis = untilWallMillis
    }
}

/// One change to what is kept, for the interpreter to write (`Effect.keepModeration`).
public enum ModerationChange: Equatable, Codable, Sendable {
    /// The identity now holds this name (in place of any other it held).
    case holdName(identity: String, name: String)
    case setOp(identity: String, op: Bool)
    /// A new ban, in place of any earlier one of the same subject.
    case ban(Ban)
    case unban(ModerationSubject)
    /// A mute, in place of any earlier one of the same subject.
    case mute(Mute)
    /// The subject's mute ended (`/unmute`, or its time ran out).
    case unmute(ModerationSubject)
    /// A private message to a certificate that is not here, kept until it next joins.
    case keepMessage(HeldMessage)
    /// The certificate has been given every message kept for it.
    case deliveredMessages(identity: String)
    /// An op dropped a room (`/drop`): its entries stay, as the dropped room's.
    case dropRoom(RoomDrop)
}

/// `/msg NAME TEXT` to a name a certificate holds while it is not here (issue #14): kept, and
/// given to it when it next joins.
public struct HeldMessage: Equatable, Codable, Sendable {
    /// The recipient's certificate.
    public var identity: String
    public var fromUID: UID
    public var from: String
    public var color: RGB
    /// The name the message was sent to.
    public var to: String
    public var text: String
    /// When it was sent: Unix milliseconds, from the wall clock of `Event.time`.
    public var wallMillis: Int64

    public init(identity: String, fromUID: UID, from: String, color: RGB, to: String, text: String, wallMillis: Int64) {
        self.identity = identity
        self.fromUID = fromUID
        self.from = from
        self.color = color
        self.to = to
        self.text = text
        self.wallMillis = wallMillis
    }
}
