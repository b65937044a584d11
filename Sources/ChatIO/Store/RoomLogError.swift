import ChatState
import CSQLite

/// Why the room log cannot be opened or written: one line naming the file and the cause, for
/// the server's log or its exit. Never a crash.
public struct RoomLogError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Reason: Equatable, Sendable {
        /// Another process (another pychat server) holds the database.
        case locked
        case readOnly
        /// Not an SQLite database, or a damaged one.
        case corrupt(detail: String)
        /// The disk (or the file system's quota) is full.
        case full
        /// Written by a newer pychat whose schema this one does not know.
        case newerVersion(found: Int64, known: Int64)
        /// This system's SQLite was built without FTS5, which `/search` needs.
        case noFullTextSearch
        /// The folder cannot be made or the file cannot be opened.
        case cannotOpen(detail: String)
        /// A read or write failed (`SQLITE_IOERR`): a failing disk, a vanished file.
        case io(detail: String)
        /// Anything else SQLite said.
        case other(detail: String)
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    init(path: String, _ failure: SQLiteFailure) {
        self.init(path: path, reason: Self.reason(failure))
    }

    /// SQLite's result code as a reason a user can act on.
    static func reason(_ f: SQLiteFailure) -> Reason {
        switch f.primary {
        case SQLITE_BUSY, SQLITE_LOCKED: return .locked
        case SQLITE_READONLY, SQLITE_PERM: return .readOnly
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt(detail: f.message)
        case SQLITE_FULL: return .full
        case SQLITE_CANTOPEN: return .cannotOpen(detail: f.message)
        case SQLITE_IOERR: return .io(detail: f.message)
        default: return .other(detail: f.message)
        }
    }

    /// True for failures that may pass (a disk that fills, then has room again): the room goes
    /// on without recording and the log tries again later.
    var mayPass: Bool {
        switch reason {
        case .full, .io, .locked, .readOnly: return true
        default: return false
        }
    }

    public var description: String {
        "room log \(Self.shown(path)): " + why
    }

    private var why: String {
        switch reason {
        case .locked:
            return "locked by another pychat (one server per room log: stop the other one, or give this one --data DIR)"
        case .readOnly:
            return "read-only (check the permissions of the file and its folder, or run with --ephemeral)"
        case .corrupt(let detail):
            return "not a pychat room log, or damaged (SQLite: \(detail)); move it away to start a new one"
        case .full:
            return "the disk is full"
        case .newerVersion(let found, let known):
            return "written by a newer pychat (schema version \(found); this one knows up to \(known))"
        case .noFullTextSearch:
            return "this system's SQLite has no FTS5 full-text search, which the room log needs (install a full libsqlite3)"
        case .cannotOpen(let detail):
            return "cannot open (\(detail))"
        case .io(let detail):
            return "input/output error (SQLite: \(detail))"
        case .other(let detail):
            return "SQLite: \(detail)"
        }
    }

    /// A path as typed when it is plain, quoted (its control characters visible) when it is not:
    /// a path is user input and must not reach a terminal or a log as control codes.
    static func shown(_ path: String) -> String {
        path.unicodeScalars.allSatisfy({ (0x21..<0x7F).contains($0.value) }) ? path : quoted(path)
    }
}
