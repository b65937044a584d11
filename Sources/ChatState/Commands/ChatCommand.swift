/// What a typed line starting with `/` asks for (issue #14). A line that starts with `/` is
/// never sent as chat, known or not: `//text` is the way to send `/text`. The same table and
/// parser serve a pychat client (its screen and its standard input), the host's own input and
/// the server reading an original client's chat lines, so every wrong use reads the same.
public enum ChatCommand: Equatable, Sendable {
    case help(topic: String?)
    case nick(String)
    case me(String)
    case msg(to: String, text: String)
    case reply(String)
    case who
    case whois(String)
    case away(String?)
    case back
    case topic(String?)
    case quit(String?)
    case ignore(String)
    case unignore(String)
    /// Full-text search of the room log (a pychat server with `history`).
    case search(words: [String])
    /// `/context N`: result N of the latest search, with the entries around it (feature `context`).
    case context(result: Int)
    /// The host's and ops' commands (see `ModerationCommand`).
    case moderate(ModerationCommand)
    /// Rooms (see `Room+Rooms.swift`): `/join #name`, `/part [#name]`, `/rooms`.
    case join(String)
    case part(String?)
    case rooms

    /// The table's row for this command.
    public var spec: CommandSpec { CommandSpec.named(name)! }

    public var name: String {
        switch self {
        case .help: return "help"
        case .nick: return "nick"
        case .me: return "me"
        case .msg: return "msg"
        case .reply: return "reply"
        case .who: return "who"
        case .whois: return "whois"
        case .away: return "away"
        case .back: return "back"
        case .topic: return "topic"
        case .quit: return "quit"
        case .ignore: return "ignore"
        case .unignore: return "unignore"
        case .search: return "search"
        case .context: return "context"
        case .moderate(let m): return m.name
        case .join: return "join"
        case .part: return "part"
        case .rooms: return "rooms"
        }
    }
}

/// One row of the command table: how a command is written, what it does, who may use it and
/// where it runs.
public struct CommandSpec: Equatable, Sendable {
    /// Who may use a command: everyone, or the host and ops (the moderation commands);
    /// `Room.mayUse` is the one check.
    public enum Permission: Equatable, Sendable {
        case everyone
        case op
    }

    /// Where a command is carried out. A `.server` command from a pychat client goes to a
    /// server that negotiated `commands`; a `.client` command never leaves the client (on a
    /// pychat server an original client's `.client` commands are refused: its program has none).
    public enum Place: Equatable, Sendable {
        case client
        case server
    }

    /// The arguments a command takes, which the parser checks.
    enum Arguments: Equatable, Sendable {
        case none
        /// Free text that may be left out.
        case optionalText
        /// Free text that must be there.
        case text
        /// One word: a member's name.
        case name
        /// A member's name, then free text.
        case nameAndText
        /// A command's name, which may be left out.
        case optionalCommand
        /// One or more words.
        case words
        /// One whole number, 1 or more.
        case number
        /// Read by `ModerationCommand.read`.
        case moderation
    }

    public let name: String
    /// What follows the name in the usage line: `NAME TEXT`, `[TEXT]`, ``.
    public let arguments: String
    public let summary: String
    public let permission: Permission
    public let place: Place
    let shape: Arguments

    /// `/msg NAME TEXT`
    public var usage: String { arguments.isEmpty ? "/" + name : "/" + name + " " + arguments }

    /// Every command, in the order `/help` lists them.
    public static let all: [CommandSpec] = [
        CommandSpec(name: "help", arguments: "[COMMAND]", summary: "list the commands, or say how to use one",
                    permission: .everyone, place: .client, shape: .optionalCommand),
        CommandSpec(name: "nick", arguments: "NAME", summary: "take a new name",
                    permission: .everyone, place: .server, shape: .name),
        CommandSpec(name: "me", arguments: "ACTION", summary: "say what you do: /me waves shows * alice waves",
                    permission: .everyone, place: .server, shape: .text),
        CommandSpec(name: "msg", arguments: "NAME TEXT", summary: "a private message to one member",
                    permission: .everyone, place: .server, shape: .nameAndText),
        CommandSpec(name: "reply", arguments: "TEXT", summary: "a private message to whoever sent you the last one",
                    permission: .everyone, place: .server, shape: .text),
        CommandSpec(name: "who", arguments: "", summary: "who is here: ops (@), away marks, idle times",
                    permission: .everyone, place: .server, shape: .none),
        CommandSpec(name: "whois", arguments: "NAME", summary: "one member's details",
                    permission: .everyone, place: .server, shape: .name),
        CommandSpec(name: "away", arguments: "[TEXT]", summary: "mark yourself away (private messages say so)",
                    permission: .everyone, place: .server, shape: .optionalText),
        CommandSpec(name: "back", arguments: "", summary: "clear your away mark",
                    permission: .everyone, place: .server, shape: .none),
        CommandSpec(name: "topic", arguments: "[TEXT]", summary: "show the room's topic, or set it",
                    permission: .everyone, place: .server, shape: .optionalText),
        CommandSpec(name: "quit", arguments: "[TEXT]", summary: "leave, saying TEXT to the room",
                    permission: .everyone, place: .server, shape: .optionalText),
        CommandSpec(name: "ignore", arguments: "NAME", summary: "hide a member's chats, actions and private messages",
                    permission: .everyone, place: .client, shape: .name),
        CommandSpec(name: "unignore", arguments: "NAME", summary: "show them again",
                    permission: .everyone, place: .client, shape: .name),
        CommandSpec(name: "search", arguments: "WORDS", summary: "search the room's log for chats holding every word",
                    permission: .everyone, place: .client, shape: .words),
        CommandSpec(name: "context", arguments: "N", summary: "show result N of the latest search among the entries around it",
                    permission: .everyone, place: .client, shape: .number),
        CommandSpec(name: "join", arguments: "#ROOM", summary: "go into a room, making it if it is new",
                    permission: .everyone, place: .server, shape: .name),
        CommandSpec(name: "part", arguments: "[#ROOM]", summary: "leave a room (this one, if none is named)",
                    permission: .everyone, place: .server, shape: .optionalText),
        CommandSpec(name: "rooms", arguments: "", summary: "every room, with its members and topic",
                    permission: .everyone, place: .server, shape: .none),
    ] + ModerationCommand.specs

    public static func named(_ name: String) -> CommandSpec? { all.first { $0.name == name } }
}
