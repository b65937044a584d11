/// The room's moderation state: names held by certificates, ops, bans and mutes (all kept in
/// the database through `Effect.keepModeration`).
/// Dictionaries are only looked up; whatever is listed is sorted first, so no hash order
/// reaches a line.
struct Moderation: Sendable {
    /// The name each identity holds.
    private(set) var nameOf: [String: String] = [:]
    /// The identity holding each key of a held name (`TextRules.nameKeys`): a joiner's name
    /// collides with a held one ignoring case and confusables, as with a member's.
    private var holderByKey: [String: String] = [:]
    private(set) var ops: Set<String> = []
    private(set) var bans: [ModerationSubject: Ban] = [:]
    /// Muted subjects, and until when (wall-clock Unix milliseconds; nil: until `/unmute`).
    private var mutes: [ModerationSubject: Int64?] = [:]
    /// Private messages kept for certificates that are not here, oldest first each.
    private(set) var messages: [String: [HeldMessage]] = [:]

    mutating func restore(_ records: ModerationRecords) {
        for m in records.messages { messages[m.identity, default: []].append(m) }
        for held in records.names { hold(held.name, by: held.identity) }
        ops.formUnion(records.ops)
        for ban in records.bans { bans[ban.subject] = ban }
        for m in records.mutes { mutes[m.subject] = .some(m.untilWallMillis) }
    }

    // MARK: Held names

    /// The identity holding `name` or one too like it, if any.
    func holder(of name: String) -> String? {
        TextRules.nameKeys(name).lazy.compactMap { holderByKey[$0] }.first
    }

    /// Whether another identity than `identity` holds `name` (or one too like it).
    func isHeld(_ name: String, againstOf identity: String?) -> Bool {
        guard let holder = holder(of: name) else { return false }
        return holder != identity
    }

    /// The identity now holds `name` in place of the one it held; false when nothing changed.
    @discardableResult
    mutating func hold(_ name: String, by identity: String) -> Bool {
        if nameOf[identity] == name { return false }
        if let old = nameOf[identity] {
            for key in TextRules.nameKeys(old) where holderByKey[key] == identity { holderByKey[key] = nil }
        }
        nameOf[identity] = name
        for key in TextRules.nameKeys(name) { holderByKey[key] = identity }
        return true
    }

    // MARK: Messages kept

    mutating func keep(_ message: HeldMessage) { messages[message.identity, default: []].append(message) }

    /// The messages kept for a certificate, now given to it.
    mutating func takeMessages(for identity: String) -> [HeldMessage] { messages.removeValue(forKey: identity) ?? [] }

    // MARK: Ops

    mutating func setOp(_ identity: String, _ on: Bool) {
        if on { ops.insert(identity) } else { ops.remove(identity) }
    }

    // MARK: Bans

    /// The ban in force for this subject at this time; an expired one is forgotten (and
    /// returned as `expired`, for the database to forget too).
    mutating func ban(of subject: ModerationSubject, at wall: Int64) -> (inForce: Ban?, expired: Ban?) {
        guard let ban = bans[subject] else { return (nil, nil) }
        if ban.holds(at: wall) { return (ban, nil) }
        bans[subject] = nil
        return (nil, ban)
    }

    mutating func add(_ ban: Ban) { bans[ban.subject] = ban }

    mutating func lift(_ subject: ModerationSubject) -> Ban? { bans.removeValue(forKey: subject) }

    /// Bans in force, oldest first (then by name and subject: a total order).
    func bansInForce(at wall: Int64) -> [Ban] {
        bans.values.filter { $0.holds(at: wall) }.sorted {  // purity: sorted, no hash order survives
            ($0.setAtWallMillis, $0.name, $0.subject) < ($1.setAtWallMillis, $1.name, $1.subject)
        }
    }

    /// The ban `/unban WORD` means: one whose name is WORD (ignoring case and confusables), or
    /// whose address or fingerprint (or short fingerprint) is WORD.
    func ban(named word: String, at wall: Int64) -> Ban? {
        let keys = Set(TextRules.nameKeys(word))
        return bansInForce(at: wall).first {
            $0.subject.value == word || Identity.short($0.subject.value) == word
                || !keys.isDisjoint(with: TextRules.nameKeys($0.name))
        }
    }

    // MARK: Mutes

    mutating func mute(_ subject: ModerationSubject, until wall: Int64?) { mutes[subject] = .some(wall) }

    mutating func unmute(_ subject: ModerationSubject) -> Bool { mutes.removeValue(forKey: subject) != nil }

    /// Whether anyone is muted: the relay asks this first, so a room without mutes pays no
    /// lookup (hashing an address) per chat.
    var hasMutes: Bool { !mutes.isEmpty }

    /// `inForce` nil: not muted; else until when (nil inside: for good). An expired mute is
    /// forgotten (and `expired` says so, for the database to forget it too).
    mutating func mute(of subject: ModerationSubject, at wall: Int64) -> (inForce: Int64??, expired: Bool) {
        guard let until = mutes[subject] else { return (nil, false) }
        if let end = until, wall >= end {
            mutes[subject] = nil
            return (nil, true)
        }
        return (.some(until), false)
    }
}
