import Foundation

/// A connection, numbered by the interpreter when it accepts or opens one. Its uid on the wire
/// is separate (a UUID, also chosen by the interpreter) because the core draws no randomness.
/// The interpreter may reuse the low 32 bits (a slot) with a new generation in the high ones;
/// such an id is shown as `#slot.generation`.
public struct ConnID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let raw: UInt64

    public init(_ raw: UInt64) { self.raw = raw }

    public var description: String {
        raw >> 32 == 0 ? "#\(raw)" : "#\(raw & 0xFFFF_FFFF).\(raw >> 32)"
    }

    public static func < (a: ConnID, b: ConnID) -> Bool { a.raw < b.raw }

    public init(from decoder: any Decoder) throws {
        raw = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(raw)
    }
}

/// Bytes in an event or effect. In the event log they are base64, so a log line stays short
/// and any byte survives the trip.
public struct Bytes: Equatable, Hashable, Sendable, Codable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public var array: [UInt8]

    public init(_ array: [UInt8]) { self.array = array }
    public init(arrayLiteral elements: UInt8...) { array = elements }

    /// Short and readable in test failures: the length, then the bytes as escaped text.
    public var description: String {
        var text = ""
        for b in array.prefix(120) {
            text += (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
        }
        return "⟨\(array.count) bytes⟩ \(text)\(array.count > 120 ? "…" : "")"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad base64"))
        }
        array = [UInt8](data)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Data(array).base64EncodedString())
    }
}

/// Timers the core asks for; the interpreter fires them back as `Event.timer`.
public enum TimerID: Hashable, Codable, Sendable {
    /// The connection must have joined (and finished TLS) by then.
    case joinDeadline(ConnID)
    /// Members whose user table is out of date get a fresh ServerInfo once joins and leaves
    /// have paused this long.
    case tableRefresh
    /// Joins and leaves collected since the last announcement are announced as one line each.
    case announce
    /// A member over its chat rate has a token again: its held frames go on.
    case floodRelease(ConnID)
    /// A client that lost its server dials it again (see `ClientSession+Reconnect.swift`).
    case reconnect
    /// Once a second while a client waits to reconnect: its countdown on the screen.
    case reconnectTick
}

/// How the process ends.
public enum ExitCode {
    public static let ok: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 2
    /// The server closed the connection or went away.
    public static let serverGone: Int32 = 3
    /// An op of the server kicked or banned us: dialling again would not help.
    public static let removed: Int32 = 4
}
