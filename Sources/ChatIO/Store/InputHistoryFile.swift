import ChatState
import Foundation

/// What the user sent to one server, kept across runs: one JSON string a line (a message may
/// hold newlines), in `FOLDER/input-HOST_PORT.jsonl` of the state folder. Lines are appended as
/// they are sent; loading keeps the newest `InputRecall.capacity` and rewrites a file that has
/// grown to twice that, so it stays small without a rewrite per message. A file that cannot be
/// read or written costs the recall, never the session. (A local regular file: its writes do not
/// wait on anyone, unlike the sockets and the terminal.)
public final class InputHistoryFile {
    public let path: String

    public init(path: String) { self.path = path }

    /// The file for a session with `host:port` in the state folder; nil without a home.
    public static func inFolder(_ folder: String?, serving: Bool, host: String, port: Int) -> InputHistoryFile? {
        guard let folder else { return nil }
        let name = StoreOptions.fileName(host: host, port: port).replacingOccurrences(of: ".sqlite3", with: ".jsonl")
        return InputHistoryFile(path: folder + "/input-" + (serving ? "serve-" : "") + name)
    }

    public func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        let texts = lines.suffix(InputRecall.capacity).compactMap { line in
            try? JSONDecoder().decode(String.self, from: Data(line))
        }
        if lines.count >= 2 * InputRecall.capacity { rewrite(texts) }
        return texts
    }

    public func append(_ text: String) {
        guard let line = Self.line(text) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: line)
    }

    private func rewrite(_ texts: [String]) {
        let data = texts.compactMap(Self.line).reduce(Data(), +)
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private static func line(_ text: String) -> Data? {
        guard var data = try? JSONEncoder().encode(text) else { return nil }
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
