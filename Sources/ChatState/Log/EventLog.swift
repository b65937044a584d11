import Foundation

/// The event-log format: JSON Lines. The first line is a header (format, version, the
/// session's config); every further line is one step: the event and the effects it produced.
/// Keys are sorted so the same session always writes the same bytes.
public enum EventLog {
    public static let format = "pychat-event-log"
    /// 2: time events, per-address and chat-rate limits in the config, reading paused and resumed.
    public static let version = 2

    public struct Header: Equatable, Codable, Sendable {
        public var format: String
        public var version: Int
        public var config: AppConfig

        public init(config: AppConfig) {
            format = EventLog.format
            version = EventLog.version
            self.config = config
        }
    }

    public struct Step: Equatable, Codable, Sendable {
        public var step: Int
        /// Milliseconds on the interpreter's monotonic clock, for a reader's orientation only:
        /// the core never sees it.
        public var time: Int64?
        public var event: Event
        public var effects: [Effect]

        public init(step: Int, time: Int64? = nil, event: Event, effects: [Effect]) {
            self.step = step
            self.time = time
            self.event = event
            self.effects = effects
        }
    }

    private static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// One log line, without its newline.
    public static func line(_ header: Header) -> String { encode(header) }
    public static func line(_ step: Step) -> String { encode(step) }

    private static func encode(_ value: some Encodable) -> String {
        // Every type in the log is plain data; encoding cannot fail.
        String(decoding: try! encoder().encode(value), as: UTF8.self)
    }

    public struct Damage: Error, Equatable, Sendable, CustomStringConvertible {
        /// 1-based line number in the file.
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The format and version alone, read first: a log of another version says so, rather
    /// than what its config lacks.
    private struct Identity: Decodable {
        var format: String
        var version: Int
    }

    public static func header(_ line: Substring, lineNumber: Int = 1) throws(Damage) -> Header {
        let id: Identity = try decode(line, lineNumber)
        guard id.format == format else { throw Damage(line: lineNumber, reason: "not a pychat event log") }
        guard id.version == version else {
            throw Damage(line: lineNumber, reason: "log version \(id.version), this pychat reads version \(version)")
        }
        return try decode(line, lineNumber)
    }

    public static func step(_ line: Substring, lineNumber: Int) throws(Damage) -> Step {
        try decode(line, lineNumber)
    }

    private static func decode<T: Decodable>(_ line: Substring, _ n: Int) throws(Damage) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(line.utf8))
        } catch let DecodingError.dataCorrupted(context) {
            throw Damage(line: n, reason: "corrupted: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw Damage(line: n, reason: "incomplete: no \"\(key.stringValue)\"")
        } catch {
            throw Damage(line: n, reason: "unreadable: \(error)")
        }
    }
}
