import Foundation
import Glibc

/// The headless Python reference peer (behaves like the original PyChat).
let referencePeerScript = Binary.refpeer

func executableInPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

/// A child process whose stdout is read line by line with a capped wait.
final class TLSChildProcess {
    let process = Process()
    private let output = Pipe()
    private var pending: [UInt8] = []
    private(set) var lines: [String] = []
    private var outputEnded = false

    init(_ arguments: [String], directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Foundation's Process starts children with the spawning thread's signal
    /// mask, in which the test runner blocks SIGTERM and SIGINT; the peer
    /// would then ignore `terminate()`. This prelude clears the mask, then
    /// execs the peer.
    private static let unblockSignalsThenExec =
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])"

    static func referencePeer(_ arguments: [String], directory: String) throws -> TLSChildProcess {
        try TLSChildProcess(
            ["python3", "-c", unblockSignalsThenExec, "python3", referencePeerScript] + arguments,
            directory: directory)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The next stdout line, or nil at end of output or after the wait cap.
    func nextLine() -> String? {
        let deadline = ContinuousClock.now + tlsTestWaitCap
        while true {
            if let line = takeLine() { return line }
            if !readChunk(until: deadline) { return nil }
        }
    }

    private func takeLine() -> String? {
        guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeFirst(newline + 1)
        lines.append(line)
        return line
    }

    /// Reads what stdout has; false at end of output or when nothing came by the deadline.
    private func readChunk(until deadline: ContinuousClock.Instant) -> Bool {
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            if outputEnded || !waitReadable(fd, until: deadline) { return false }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                outputEnded = true
                return false
            }
            pending.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    /// The next stdout line that is a JSON object satisfying `match`.
    func nextEvent(where match: ([String: Any]) -> Bool) -> [String: Any]? {
        while let line = nextLine() {
            if let object = jsonObject(line), match(object) { return object }
        }
        return nil
    }

    /// Waits for the exit (capped), collects the remaining output lines and
    /// returns the exit status (nil if it had to be stopped). It does not wait
    /// for end of output: a child spawned concurrently by another test may
    /// have inherited this pipe's write end and keep it open.
    func finish() -> Int32? {
        let deadline = ContinuousClock.now + tlsTestWaitCap
        while process.isRunning && ContinuousClock.now < deadline {
            _ = readChunk(until: min(deadline, .now + .milliseconds(50)))
        }
        var stopped = false
        if process.isRunning {
            stopped = true
            process.terminate()
        }
        process.waitUntilExit()
        while readChunk(until: .now) {}
        while takeLine() != nil {}
        return stopped ? nil : process.terminationStatus
    }

    /// SIGTERM, then the same as `finish`.
    func stop() -> Int32? {
        if process.isRunning { process.terminate() }
        return finish()
    }

    var events: [[String: Any]] { lines.compactMap(jsonObject) }
}

func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}
