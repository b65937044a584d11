/// What a room may be called (`/join #name`). Typed with its `#`; kept, on the wire and in the
/// room log, without it (`general`, as the log has always named the original's room). A name
/// is 1 to `Limits.maxRoomNameLength` letters, digits, combining marks, `-`, `_` and `.`,
/// lower-cased; two names are one room when their look-alike keys meet, as two members' names
/// collide (`TextRules.nameKeys`: `#Rust`, `#rust` and `#rцst` with a Cyrillic ц are one room).
public enum RoomName {
    /// The original's room, the one every member is always in.
    public static let general = RoomEntry.generalRoom

    /// A typed `#name`, read: the room's name without `#`, or the one line saying what is wrong.
    public static func read(_ typed: String) -> Result<String, Refusal> {
        guard typed.hasPrefix("#") else { return .failure(Refusal("A room's name starts with #: /join #\(shown(typed))")) }
        let body = typed.dropFirst().lowercased()
        guard !body.isEmpty else { return .failure(Refusal("A room needs a name after the #: /join #rust")) }
        let length = body.count
        guard length <= Limits.maxRoomNameLength else {
            return .failure(Refusal("A room's name is at most \(Limits.maxRoomNameLength) characters after the #; this one has \(length)."))
        }
        guard body.unicodeScalars.allSatisfy(allowed) else {
            return .failure(Refusal("A room's name holds only letters, digits, - _ and . after the #: \(shown(typed)) does not."))
        }
        return .success(body)
    }

    /// The key under which two names are one room: the first of the name's look-alike keys
    /// (it is lower-cased already, so folding adds nothing).
    static func key(_ name: String) -> String { TextRules.nameKeys(name)[0] }

    /// A room name a peer sent, to quote back: `#rust` if it is a room's name (short, no
    /// controls), else `that room`.
    static func quoted(peer name: String) -> String { read("#" + name) == .success(name) ? "#" + name : "that room" }

    /// `#rust`: how a room is shown.
    public static func shown(name: String) -> String { "#" + name }

    private static func allowed(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark:
            return true
        default:
            return s == "-" || s == "_" || s == "."
        }
    }

    /// A typed name as a refusal may quote it: cleaned of what a screen or log must not obey,
    /// and no longer than a member's name may be.
    private static func shown(_ s: String) -> String {
        TextRules.fitted(TextRules.cleanName(s), characters: Limits.maxRoomNameLength + 1, bytes: Limits.maxNameBytes)
    }

    /// One line saying what is wrong with a typed name.
    public struct Refusal: Error, Equatable, Sendable {
        public let line: String
        init(_ line: String) { self.line = line }
    }
}
