import Foundation
import Glibc
import Testing

/// The built `pychat` binary: next to the test bundle (`.build/<triple>/debug/`), found from the
/// bundle's location first and from this file's location as a fallback.
enum Binary {
    static let pychat: String = {
        var candidates: [URL] = []
        for bundle in [Bundle.main] + Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("pychat"))
            if let exe = bundle.executableURL {
                candidates.append(exe.deletingLastPathComponent().appendingPathComponent("pychat"))
            }
        }
        let root = repositoryRoot
        candidates.append(root.appendingPathComponent(".build/debug/pychat"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c.path }
        return root.appendingPathComponent(".build/debug/pychat").path
    }()

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

/// Something that did not happen in time: the test fails with what was seen so far.
struct Timeout: Error, CustomStringConvertible {
    let description: String
}

/// A child process with its output collected as it comes, so a test can wait for a line.
final class Proc: @unchecked Sendable {
    let name: String
    private let process = Process()
    private let input = Pipe()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private var readersDone = 0
    /// The pipe left unread until `startReading`.
    private var unreadPipe: (handle: FileHandle, isError: Bool)?

    enum Output { case standardOutput, standardError }

    /// `unread`: that output is a pipe nobody reads (it fills up) until `startReading()`.
    init(_ name: String, _ executable: String, _ arguments: [String], directory: String? = nil,
         unread: Output? = nil) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let o = Pipe(), e = Pipe()
        process.standardInput = input
        process.standardOutput = o
        process.standardError = e
        try process.run()
        for (pipe, isError) in [(o, false), (e, true)] {
            if unread == (isError ? .standardError : .standardOutput) {
                unreadPipe = (pipe.fileHandleForReading, isError)
            } else {
                collect(pipe.fileHandleForReading, isError: isError)
            }
        }
    }

    static func pychat(_ name: String, _ arguments: [String], unread: Output? = nil) throws -> Proc {
        try Proc(name, Binary.pychat, arguments, unread: unread)
    }

    /// Starts reading the output left unread.
    func startReading() {
        guard let (handle, isError) = unreadPipe else { return }
        unreadPipe = nil
        collect(handle, isError: isError)
    }

    static func peer(_ peer: OriginalPeer, _ name: String, _ arguments: [String], directory: String? = nil) throws -> Proc {
        try peer.requireAvailable()
        // Children of the test runner inherit a mask that blocks most signals; the peer's
        // asyncio handlers need SIGTERM and SIGINT, so it starts with a clear mask.
        return try Proc(name, "/usr/bin/env", ["python3", "-c", """
            import runpy, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            sys.argv = sys.argv[1:]
            runpy.run_path(sys.argv[0], run_name="__main__")
            """, peer.path] + arguments, directory: directory)
    }

    /// An original-like peer's JSON lines so far.
    var events: [[String: Any]] { jsonLines(stdout) }

    /// Waits for an original-like peer's first event that `match` accepts, and returns it.
    func event(_ what: String, where match: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
        try await waitFor(what) { $0.events.contains(where: match) }
        return events.first(where: match)!
    }

    private func collect(_ handle: FileHandle, isError: Bool) {
        let t = Thread { [self] in
            while true {
                let chunk = handle.availableData
                lock.lock()
                if chunk.isEmpty {
                    readersDone += 1
                    lock.unlock()
                    return
                }
                if isError { err.append(chunk) } else { out.append(chunk) }
                lock.unlock()
            }
        }
        t.start()
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    /// Standard output as it came, for peers that print binary frames.
    var stdoutBytes: [UInt8] { lock.withLock { Array(out) } }

    /// Writes to standard input; a process that is gone (or going) just misses it: the
    /// test's later checks say what went wrong, instead of a SIGPIPE ending the whole run.
    func send(_ text: String) {
        send(bytes: Array(text.utf8))
    }

    func send(bytes: [UInt8]) {
        Self.ignoreBrokenPipes
        try? input.fileHandleForWriting.write(contentsOf: Data(bytes))
    }

    private static let ignoreBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    func signal(_ s: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, s) }
    }

    /// Waits until `condition` holds on the process, polling; throws with the output so far.
    func waitFor(_ what: String, timeout: Double = 20, _ condition: (Proc) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(self) {
            if Date() > deadline {
                throw Timeout(description: "\(name): no \(what) within \(timeout) s\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The exit code, once the process has ended and its output is all collected.
    func exitCode(timeout: Double = 20) async throws -> Int32 {
        try await waitFor("exit", timeout: timeout) { p in !p.process.isRunning && p.lock.withLock { p.readersDone == 2 } }
        return process.terminationStatus
    }

    /// For clean-up: no process outlives its test.
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    deinit { kill() }
}

/// A headless pychat server on a free port of 127.0.0.1.
struct Server {
    let proc: Proc
    let port: Int

    /// Without a chat rate unless `extra` sets one: the tests that flood are about other limits.
    static func start(_ extra: [String] = [], host: String = "127.0.0.1") async throws -> Server {
        let rate = extra.contains("--rate") ? [] : ["--rate", "0"]
        let p = try Proc.pychat("server", ["--serve", "--headless", "-H", host, "-P", "0"] + rate + extra)
        try await p.waitFor("listening line") { $0.stderr.contains("listening on ") }
        let line = p.stderr.split(separator: "\n").first { $0.contains("listening on ") }!
        let port = Int(line.split(separator: ":").last!)!
        return Server(proc: p, port: port)
    }

    func count(_ needle: String) -> Int { proc.stderr.components(separatedBy: needle).count - 1 }

    func waitForJoins(_ n: Int) async throws {
        try await proc.waitFor("\(n) joins") { _ in count(" as \"") >= n }
    }
}

/// A headless pychat client.
/// `extra`: more flags (`--no-reconnect` where a test wants the session to end with the server).
func client(_ name: String, port: Int, host: String = "127.0.0.1", color: String = "000000",
            _ extra: [String] = []) throws -> Proc {
    try Proc.pychat(name, ["--headless", "-H", host, "-P", String(port), "-u", name, "-c", color] + extra)
}

/// A bare TCP socket that does exactly what a test says, for hostile peers.
final class RawSocket {
    let fd: Int32

    /// `source`: the local address to connect from (another 127.0.0.0/8 address plays another host).
    init(port: Int, receiveBuffer: Int32? = nil, source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let rc = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard rc == 0 else { throw Timeout(description: "cannot bind to \(source): errno \(errno)") }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw Timeout(description: "raw connect failed: errno \(errno)") }
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads until what arrived contains `text` (true), or the server closes or `timeout`
    /// passes (false).
    func waitFor(_ text: String, timeout: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let needle = Array(text.utf8)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) > 0 {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return false }
                // Only the tail that could begin a match is kept.
                seen = Array(seen.suffix(needle.count - 1)) + buffer[0..<n]
                if seen.count >= needle.count,
                   (0...(seen.count - needle.count)).contains(where: { seen[$0..<($0 + needle.count)].elementsEqual(needle) }) {
                    return true
                }
                continue
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Bytes sent that the other end's kernel has not acknowledged yet.
    var unacknowledgedBytes: Int32 {
        var queued: Int32 = 0
        _ = ioctl(fd, UInt(TIOCOUTQ), &queued)
        return queued
    }

    /// This end's port, which the server names the connection by.
    var localPort: Int {
        var addr = sockaddr_in()
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Whatever has arrived, without waiting (empty if nothing has, or the peer has closed).
    func receiveAvailable() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return n > 0 ? Array(buffer[0..<n]) : []
    }

    /// Ends the connection both ways (the peer reads end of stream); the descriptor stays ours.
    func shutdownBoth() {
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Reads and discards until the server closes (true) or `timeout` passes (false).
    func waitForClose(timeout: Double) async throws -> Bool {
        try await readUntilClose(timeout: timeout) != nil
    }

    /// Everything the server sent until it closed; nil if it did not close within `timeout`.
    func readUntilClose(timeout: Double) async throws -> [UInt8]? {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        var got: [UInt8] = []
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) > 0 {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return got }
                got += buffer.prefix(n)
                continue
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

/// A frame as the original writes it: length, kind 1, the JSON body.
func frame(_ json: String) -> [UInt8] {
    let body = Array(json.utf8)
    let n = UInt32(body.count + 1)
    return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), 1] + body
}

/// An original-like peer's JSON lines.
func jsonLines(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap { jsonObject(String($0)) }
}

func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}

/// Everything a non-blocking descriptor (a pipe's or a pty's reading end) holds now.
func readAvailable(_ fd: Int32) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return out }
        out += buffer[0..<n]
    }
}

/// The program's path, found the way a shell finds it; nil if it is not installed.
func executableInPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

/// Chat lines ("name: text") a headless client was shown from others.
func received(_ p: Proc, excluding me: String) -> [String] {
    p.stdoutLines.filter { !$0.hasPrefix("* ") && !$0.hasPrefix(" ") && !$0.hasPrefix("\(me): ") }
}
