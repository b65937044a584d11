import Foundation
import Glibc

/// A private tmux server (its own socket) for driving the real binary in real terminals:
/// `send-keys` to type, `capture-pane` to read the screen.
final class Tmux: @unchecked Sendable {
    let socket: String
    nonisolated(unsafe) private static var count = 0

    init() throws {
        Self.count += 1
        socket = "pychat-test-\(getpid())-\(Self.count)"
        try run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "100", "-y", "30",
                 "sleep 600"], capture: false)
        try tmux("set-option", "-g", "remain-on-exit", "on")
    }

    deinit { _ = try? tmux("kill-server") }

    /// Runs `command` in a new window of the given size; returns the window's target.
    @discardableResult
    func window(_ name: String, _ command: String, cols: Int = 100, rows: Int = 30) throws -> String {
        try tmux("new-window", "-d", "-n", name, command)
        try tmux("resize-window", "-t", "t:\(name)", "-x", String(cols), "-y", String(rows))
        return "t:\(name)"
    }

    func keys(_ target: String, _ keys: String...) throws {
        try tmux(["send-keys", "-t", target] + keys)
    }

    /// Types text literally (no key-name lookup).
    func type(_ target: String, _ text: String) throws {
        try tmux("send-keys", "-t", target, "-l", text)
    }

    /// Types a line and Return: what a user sends.
    func send(_ target: String, line: String) throws {
        try type(target, line)
        try keys(target, "Enter")
    }

    func screen(_ target: String) throws -> [String] {
        try tmux("capture-pane", "-p", "-t", target).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func display(_ target: String, _ format: String) throws -> String {
        try tmux("display-message", "-p", "-t", target, format).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(_ target: String, cols: Int, rows: Int) throws {
        try tmux("resize-window", "-t", target, "-x", String(cols), "-y", String(rows))
    }

    /// Waits until the screen satisfies `condition`; fails with the last screen seen.
    func waitFor(_ target: String, _ what: String, timeout: Double = 60,
                 _ condition: ([String]) -> Bool) async throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = try screen(target)
            if condition(last) { return last }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw Timeout(description: "\(target): \(what); the screen was:\n" + last.joined(separator: "\n"))
    }

    func waitFor(_ target: String, text: String, timeout: Double = 60) async throws -> [String] {
        try await waitFor(target, "waiting for \"\(text)\"", timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    /// The port a pychat server in a window shows it listens on.
    func listeningPort(in screen: [String]) -> Int? {
        for line in screen {
            if let r = line.range(of: "Server started on 127.0.0.1:") {
                return Int(line[r.upperBound...].prefix { $0.isNumber })
            }
        }
        return nil
    }

    @discardableResult
    func tmux(_ args: String...) throws -> String { try tmux(args) }

    @discardableResult
    func tmux(_ args: [String]) throws -> String { try run(["tmux", "-L", socket] + args) }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34), which the Glibc module does not
    /// export.
    private static let closeFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc 2.34 or later is needed for posix_spawn_file_actions_addclosefrom_np")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Runs a command to its end with posix_spawn and waitpid: Foundation's Process does
    /// not notice the exit of a child here under the test runner. The child gets a clear
    /// signal mask (the runner blocks SIGTERM and SIGINT, and the tmux server it starts
    /// would pass that on to the programs in its panes).
    @discardableResult
    private func run(_ args: [String], capture: Bool = true) throws -> String {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Timeout(description: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // The command that starts the tmux server must not hand it our pipe: the server
        // would hold it open and reading to its end would wait for the server to exit.
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        // Nor anyone else's: the server keeps every descriptor it inherits, and the other
        // tests' pipes (not close-on-exec) would stay open in it, so that a process of theirs
        // that has exited would never show the end of its output while this server lives.
        _ = Self.closeFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let argv = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        let spawned = posix_spawnp(&pid, args[0], &actions, &attributes, argv, environ)
        close(fds[1])
        defer { close(fds[0]) }
        guard spawned == 0 else { throw Timeout(description: "cannot start \(args[0])") }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n > 0 { output += buffer[0..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw Timeout(description: "\(args.joined(separator: " ")) failed (status \(status))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
