@testable import ChatIO
import Glibc
import Testing

/// The runtime's parts around the core, each on its own: standard input (real descriptors,
/// a real epoll) and the quit protocol (time as a parameter).
@Suite struct RuntimeFrontEndTests {
    private func readAll(_ input: inout StandardInput, _ loop: EpollSystem) -> (lines: [String], ended: Bool) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        var lines: [String] = []
        for _ in 0..<100 {
            let r = input.read(into: buffer, in: loop)
            lines += r.lines
            if r.ended { return (lines, true) }
            if r.lines.isEmpty { break }
        }
        return (lines, false)
    }

    /// A pipe is watched by epoll; lines come whole, a half line waits for its newline or the
    /// end; at the end the descriptor's flags are as the shell left them.
    @Test func aPipeIsPolledAndPutBackAtItsEnd() throws {
        let loop = try EpollSystem()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let before = fcntl(fds[0], F_GETFL)
        var input = StandardInput(fd: fds[0])
        let opened = input.open(in: loop)
        #expect(opened && input.mode == .polled && fcntl(fds[0], F_GETFL) & O_NONBLOCK != 0)
        _ = "one\r\ntwo\nthr".withCString { write(fds[1], $0, 12) }
        var got = readAll(&input, loop)
        #expect(got.lines == ["one", "two"] && !got.ended)
        _ = "ee\nfour".withCString { write(fds[1], $0, 7) }
        close(fds[1])
        got = readAll(&input, loop)
        #expect(got.lines == ["three", "four"] && got.ended)
        #expect(input.mode == .unused && fcntl(fds[0], F_GETFL) == before)
        #expect(readAll(&input, loop).lines.isEmpty)  // Closed: nothing more.
    }

    /// A regular file, which epoll refuses, is read every turn instead.
    @Test func aRegularFileIsAlwaysReady() throws {
        let loop = try EpollSystem()
        let path = "/tmp/pychat-stdin-\(getpid()).txt"
        defer { unlink(path) }
        let w = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = "hello\nworld\n".withCString { write(w, $0, 12) }
        close(w)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var input = StandardInput(fd: fd)
        let opened = input.open(in: loop)
        #expect(opened && input.mode == .alwaysReady)
        let got = readAll(&input, loop)
        #expect(got.lines == ["hello", "world"] && got.ended)
    }

    @Test func noDescriptorMeansNoInput() throws {
        var input = StandardInput(fd: 987)
        let opened = input.open(in: try EpollSystem())
        #expect(!opened && input.mode == .unused)
    }

    /// Quitting waits for connections while they take output; the first request's code wins.
    @Test func quitWaitsWhileOutputMovesAndNoLonger() {
        var quit = QuitProtocol(flushMillis: 2000)
        #expect(!quit.isOver(openConnections: 0, now: 0))  // Not quitting: never over.
        let first = quit.begin(code: 3, message: "gone", now: 100)
        let second = quit.begin(code: 0, message: nil, now: 150)
        #expect(first && !second && quit.request?.code == 3 && quit.request?.message == "gone")
        #expect(!quit.isOver(openConnections: 2, now: 2099))
        quit.outputProgressed(now: 2000)
        #expect(!quit.isOver(openConnections: 2, now: 3999))
        #expect(quit.isOver(openConnections: 2, now: 4000))
        #expect(quit.isOver(openConnections: 0, now: 2001))
    }
}
