/// The host's and ops' commands (issue #14): their rows of the command table and how their
/// arguments are read. `Room+Moderation.swift` carries them out.
public enum ModerationCommand: Equatable, Sendable {
    case kick(name: String, reason: String?)
    /// `duration`: milliseconds; nil: until `/unban`.
    case ban(name: String, duration: Int64?, reason: String?)
    case unban(String)
    case bans
    case mute(name: String, duration: Int64?)
    case unmute(String)
    case op(String)
    case deop(String)
    /// `/drop #ROOM [REASON]` (`Room+DropRoom.swift`).
    case drop(room: String, reason: String?)

    public var name: String {
        switch self {
        case .kick: return "kick"
        case .ban: return "ban"
        case .unban: return "unban"
        case .bans: return "bans"
        case .mute: return "mute"
        case .unmute: return "unmute"
        case .op: return "op"
        case .deop: return "deop"
        case .drop: return "drop"
        }
    }

    static let durationHelp = "a DURATION is a number and s, m, h or d (30s, 10m, 2h, 7d)"

    static let specs: [CommandSpec] = [
        spec("kick", "NAME [REASON]", "put a member out of the room, saying why"),
        spec("ban", "NAME [DURATION] [REASON]", "keep a member out (its certificate under TLS, else its address), for good or for a while"),
        spec("unban", "NAME", "lift a ban (NAME as /bans shows it, or the address)"),
        spec("bans", "", "list the bans in force"),
        spec("mute", "NAME [DURATION]", "a muted member's chats, actions and private messages reach no one"),
        spec("unmute", "NAME", "let a muted member speak again"),
        spec("op", "NAME", "make a member an op (kept for its certificate under TLS)"),
        spec("deop", "NAME", "take a member's op away (the host is always one)"),
        spec("drop", "#ROOM [REASON]", "close a room: its members are put back in #general and it is gone from /rooms"),
    ]

    private static func spec(_ name: String, _ arguments: String, _ summary: String) -> CommandSpec {
        CommandSpec(name: name, arguments: arguments, summary: summary, permission: .op, place: .server, shape: .moderation)
    }

    /// Reads a moderation command's arguments (`rest`: what follows its name, trimmed).
    static func read(_ spec: CommandSpec, _ rest: Substring) -> TypedLine {
        if spec.name == "bans" { return rest.isEmpty ? .command(.moderate(.bans)) : spec.wrong("takes nothing after it") }
        guard !rest.isEmpty else { return spec.wrong(spec.name == "drop" ? "needs a #ROOM" : "needs a NAME") }
        guard let (name, afterName) = CommandName.split(rest) else { return spec.wrong(CommandName.unclosed) }
        let first = String(name)
        // The words after the NAME (a quoted one may hold spaces).
        let words = [name] + afterName.split(whereSeparator: \.isWhitespace)
        // One line: a reason is told in refusals and log lines, where a newline would start another.
        func reason(_ s: Substring) -> String? {
            let line = String(s.map { $0.isNewline || $0 == "\t" ? " " : $0 })
            return s.isEmpty ? nil : TextRules.fitted(line, characters: Limits.maxModerationReasonLength,
                                                      bytes: Limits.maxModerationReasonLength * 4)
        }
        switch spec.name {
        case "kick":
            return .command(.moderate(.kick(name: first, reason: reason(afterName))))
        case "drop":
            return .command(.moderate(.drop(room: first, reason: reason(afterName))))
        case "ban":
            var text = afterName
            var duration: Int64?
            if let second = words.dropFirst().first, second.first?.isNumber == true {
                guard let d = Self.duration(second) else { return spec.wrong(badDuration(second)) }
                duration = d
                text = afterName.dropFirst(second.count).trimmingWhitespace()
            }
            return .command(.moderate(.ban(name: first, duration: duration, reason: reason(text))))
        case "mute":
            if words.count > 2 { return spec.wrong("takes a NAME and at most a DURATION") }
            guard let second = words.dropFirst().first else { return .command(.moderate(.mute(name: first, duration: nil))) }
            guard let d = Self.duration(second) else { return spec.wrong(badDuration(second)) }
            return .command(.moderate(.mute(name: first, duration: d)))
        default:
            if words.count > 1 { return spec.wrong("takes one NAME (\(CommandName.hint))") }
            switch spec.name {
            case "unban": return .command(.moderate(.unban(first)))
            case "unmute": return .command(.moderate(.unmute(first)))
            case "op": return .command(.moderate(.op(first)))
            case "deop": return .command(.moderate(.deop(first)))
            default: preconditionFailure("a moderation command that is not read: \(spec.name)")
            }
        }
    }

    private static func badDuration(_ word: Substring) -> String {
        "takes no duration \(CommandParser.shown(word)): \(durationHelp), at most \(Limits.maxModerationDays)d"
    }

    /// `30s`, `10m`, `2h`, `7d` in milliseconds; nil for anything else, for zero, and for more
    /// than `Limits.maxModerationDays` days. At most 7 digits are read: linear, and no overflow.
    static func duration(_ word: Substring) -> Int64? {
        guard let unit = word.last, word.count >= 2, word.count <= 8 else { return nil }
        let digits = word.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int64(digits), n > 0 else { return nil }
        let millis: Int64
        switch unit {
        case "s": millis = n * 1000
        case "m": millis = n * 60_000
        case "h": millis = n * 3_600_000
        case "d": millis = n * 86_400_000
        default: return nil
        }
        return millis <= Int64(Limits.maxModerationDays) * 86_400_000 ? millis : nil
    }
}

extension CommandSpec {
    /// A command used wrongly: what is wrong, and how to write it.
    func wrong(_ what: String) -> TypedLine { .wrong("/\(name) \(what). Usage: \(usage)") }
}
