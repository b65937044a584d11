/// A typed line, read: chat, a command, or a command used wrongly with the one line that says
/// what is wrong and how to write it.
public enum TypedLine: Equatable, Sendable {
    /// Chat to send as it is (`//text` arrives here as `/text`).
    case chat(String)
    case command(ChatCommand)
    case wrong(String)
}

/// Reads typed lines against `CommandSpec.all`. Linear in the line's length; the line has been
/// cleaned (`TextRules.cleanText`) first, so it holds no control character but tab and newline.
public enum CommandParser {
    public static func read(_ text: String) -> TypedLine {
        guard text.hasPrefix("/") else { return .chat(text) }
        if text.hasPrefix("//") { return .chat(String(text.dropFirst())) }
        let body = text.dropFirst()
        let nameEnd = body.firstIndex(where: \.isWhitespace) ?? body.endIndex
        let typed = body[..<nameEnd]
        let rest = body[nameEnd...].trimmingWhitespace()
        guard !typed.isEmpty else {
            return .wrong("A command's name follows the / at once: /help lists them, //text sends /text.")
        }
        guard let spec = CommandSpec.named(typed.lowercased()) else {
            return .wrong("Unknown command /\(shown(typed)): /help lists the commands, //text sends /text.")
        }
        return read(spec, rest)
    }

    private static func read(_ spec: CommandSpec, _ rest: Substring) -> TypedLine {
        func wrong(_ what: String) -> TypedLine { spec.wrong(what) }
        // Lazy: the commands that take a text (`/me`, `/msg`, `/away`) never cut it into words.
        lazy var words = rest.split(whereSeparator: \.isWhitespace)
        // The NAME of a command that takes one, quoted if it holds spaces.
        let named = spec.shape == .name || spec.shape == .nameAndText ? CommandName.split(rest) : nil
        if (spec.shape == .name || spec.shape == .nameAndText), !rest.isEmpty, named == nil { return wrong(CommandName.unclosed) }
        switch spec.shape {
        case .none:
            if !rest.isEmpty { return wrong("takes nothing after it") }
        case .optionalText, .text:
            if rest.isEmpty && spec.shape == .text { return wrong("needs \(spec.arguments)") }
        case .name:
            if words.isEmpty { return wrong("needs a NAME") }
            if named?.after.isEmpty == false { return wrong("takes one NAME (\(CommandName.hint))") }
        case .room:
            if words.isEmpty { return wrong("needs a NAME") }
            if words.count > 1 { return wrong("takes one NAME, without spaces") }
        case .nameAndText:
            if words.isEmpty { return wrong("needs a NAME and a TEXT") }
            if named?.after.isEmpty != false { return wrong("needs a TEXT after the NAME") }
        case .optionalCommand:
            if words.count > 1 { return wrong("takes one COMMAND") }
            if let w = words.first, CommandSpec.named(w.trimmingPrefix("/").lowercased()) == nil {
                return wrong("knows no command /\(shown(w.trimmingPrefix("/")))")
            }
        case .moderation:
            return ModerationCommand.read(spec, rest)
        case .number:
            guard words.count == 1, let n = Int(words[0]), n >= 1 else { return wrong("needs one \(spec.arguments), a whole number from 1") }
        case .words:
            if words.isEmpty { return wrong("needs \(spec.arguments)") }
            if words.count > Limits.maxSearchWords { return wrong("takes at most \(Limits.maxSearchWords) words") }
            if words.contains(where: { $0.utf8.count > Limits.maxSearchWordBytes }) {
                return wrong("takes words of at most \(Limits.maxSearchWordBytes) bytes")
            }
        }
        let text = rest.isEmpty ? nil : String(rest)
        lazy var first = named.map { String($0.name) } ?? words.first.map(String.init) ?? ""
        switch spec.name {
        case "help": return .command(.help(topic: words.first.map { String($0.trimmingPrefix("/")).lowercased() }))
        case "nick": return .command(.nick(first))
        case "me": return .command(.me(String(rest)))
        case "msg": return .command(.msg(to: first, text: String(named?.after ?? "")))
        case "reply": return .command(.reply(String(rest)))
        case "who": return .command(.who)
        case "whois": return .command(.whois(first))
        case "away": return .command(.away(text))
        case "back": return .command(.back)
        case "topic": return .command(.topic(text))
        case "quit": return .command(.quit(text))
        case "ignore": return .command(.ignore(first))
        case "unignore": return .command(.unignore(first))
        case "search": return .command(.search(words: words.map(String.init)))
        case "context": return .command(.context(result: Int(first)!))
        case "join": return .command(.join(first))
        case "part":
            if words.count > 1 { return wrong("takes one #ROOM") }
            return .command(.part(text))
        case "rooms": return .command(.rooms)
        default: preconditionFailure("a command in the table that the parser does not read: \(spec.name)")
        }
    }

    /// A typed name as a line may show it: never longer than a member's name may be.
    static func shown(_ s: Substring) -> String {
        TextRules.fitted(String(s), characters: Limits.maxNameLength, bytes: Limits.maxNameBytes)
    }

    /// `/help`: every command this user may use, one line each; `/help NAME`: that one's usage.
    public static func help(_ topic: String?, mayUse: (CommandSpec) -> Bool = { $0.permission == .everyone }) -> [String] {
        if let topic, let spec = CommandSpec.named(topic) {
            return ["\(spec.usage): \(spec.summary)."]
        }
        return ["Commands (//text sends /text):"]
            + CommandSpec.all.filter(mayUse).map { "  \($0.usage): \($0.summary)" }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
