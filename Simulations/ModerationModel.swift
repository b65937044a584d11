import ChatState

/// The simulator's own account of moderation (issue #14): which connections are ops and which
/// are muted, followed from the `moderation:` lines the server logs for what it carried out,
/// and forgotten when a connection is closed (without TLS an op or a mute is for its address's
/// connection; the workload mutes for good, as the simulation's server has no wall clock).
/// The invariants check the server against it: a moderation action only by the host or an op,
/// and a muted member's chats, actions and private messages reaching nobody.
struct ModerationModel {
    var ops: Set<ConnID> = []
    var muted: Set<ConnID> = []

    /// Follows one server step.
    mutating func follow(_ effects: [Effect], members: [Room.Member]) {
        for effect in effects {
            switch effect {
            case let .log(line) where line.hasPrefix("moderation: "):
                for actor in members {
                    for target in members {
                        guard let conn = target.conn else { continue }
                        func said(_ what: String) -> Bool { line == "moderation: " + quoted(actor.name + " " + what) }
                        if said("made \(target.name) an op") { ops.insert(conn) }
                        if said("took \(target.name)'s op away") { ops.remove(conn) }
                        if said("muted \(target.name)") { muted.insert(conn) }
                        if said("unmuted \(target.name)") { muted.remove(conn) }
                    }
                }
            case let .close(conn, _):
                ops.remove(conn)
                muted.remove(conn)
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
