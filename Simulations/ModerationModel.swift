import ChatState

/// The simulator's own account of moderation (issue #14): which connections are ops and which
/// members are muted, followed from the `moderation:` lines the server logs for what it carried
/// out. Without TLS an op is for its connection, forgotten when it closes, and a mute is for
/// its address, which a client that reconnects keeps, as does a restarted server (the workload
/// mutes for good). The invariants check the server against it: a
/// moderation action only by the host or an op, and a muted member's chats, actions and private
/// messages reaching nobody.
struct ModerationModel {
    var ops: Set<ConnID> = []
    var mutedAddresses: Set<String> = []
    /// Bans in force as the server kept them (`Effect.keepModeration`), and until when on the
    /// wall clock (nil: until `/unban`); kept in the file, so across restarts too.
    var bans: [ModerationSubject: Int64?] = [:]
    /// Each dropped room's latest drop (`/drop`), kept in the file too: what a restarted server
    /// holds of the room starts after it.
    var drops: [String: Int64] = [:]
    /// Each connection's address, from its accept.
    var addressOf: [ConnID: String] = [:]

    /// The ban that should have kept `conn` out at `wallNow`, if any (the simulations run
    /// without TLS: a connection's subject is its address).
    func banInForce(on conn: ConnID, wallNow: Int64) -> Int64?? {
        guard let address = addressOf[conn], let until = bans[.address(address)] else { return nil }
        return until.map { $0 > wallNow } ?? true ? .some(until) : nil
    }

    func isMuted(_ conn: ConnID) -> Bool {
        addressOf[conn].map(mutedAddresses.contains) ?? false
    }

    /// Follows one server step. `members` (those before the step and after it) is put
    /// together only for a step that logs a moderation.
    mutating func follow(_ event: Event, _ effects: [Effect], members: @autoclosure () -> [Room.Member]) {
        if case let .accepted(conn, _, _, address?) = event { addressOf[conn] = address }
        for effect in effects {
            switch effect {
            case let .log(line) where line.hasPrefix("moderation: "):
                let members = members()
                for actor in members {
                    for target in members {
                        guard let conn = target.conn else { continue }
                        func said(_ what: String) -> Bool { line == "moderation: " + quoted(actor.name + " " + what) }
                        if said("made \(target.name) an op") { ops.insert(conn) }
                        if said("took \(target.name)'s op away") { ops.remove(conn) }
                        if said("muted \(target.name)"), let a = addressOf[conn] { mutedAddresses.insert(a) }
                        if said("unmuted \(target.name)"), let a = addressOf[conn] { mutedAddresses.remove(a) }
                    }
                }
            case let .keepModeration(.ban(ban)):
                bans[ban.subject] = .some(ban.expiresAtWallMillis)
            case let .keepModeration(.unban(subject)):
                bans[subject] = nil
            case let .keepModeration(.dropRoom(drop)):
                drops[drop.room] = max(drops[drop.room] ?? 0, drop.throughSeq)
            case let .close(conn, _):
                ops.remove(conn)
            default:
                break
            }
        }
    }

    /// Whether a step's effects carry out any moderation.
    static func moderates(_ effects: [Effect]) -> Bool {
        effects.contains {
            switch $0 {
            case .keepModeration: return true
            case .log(let line): return line.hasPrefix("moderation: ")
            default: return false
            }
        }
    }
}
