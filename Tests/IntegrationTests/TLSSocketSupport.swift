import ChatIO
import Foundation
import Glibc

/// Every wait in these tests is capped so that a broken peer fails the test
/// instead of hanging it; nothing asserts on how long anything took.
let tlsTestWaitCap: Duration = .seconds(10)

struct TLSSocketError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
    let left = deadline - .now
    if left <= .zero { return 0 }
    let (seconds, attoseconds) = left.components
    return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
}

/// Waits until `fd` is readable; false when the deadline passed first.
func waitReadable(_ fd: Int32, until deadline: ContinuousClock.Instant) -> Bool {
    while true {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let timeout = milliseconds(until: deadline)
        let ready = poll(&entry, 1, timeout)
        if ready > 0 { return true }
        if ready == 0 && timeout == 0 { return false }
        if ready < 0 && errno != EINTR { return false }
        if ready == 0 && ContinuousClock.now >= deadline { return false }
    }
}

private func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

func connectLoopback(port: UInt16) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TLSSocketError("socket: \(String(cString: strerror(errno)))") }
    var address = loopbackAddress(port: port)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard result == 0 else {
        let text = String(cString: strerror(errno))
        close(fd)
        throw TLSSocketError("connect to 127.0.0.1:\(port): \(text)")
    }
    return fd
}

/// A listening socket on 127.0.0.1 with a kernel-chosen port.
func listenLoopback() throws -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TLSSocketError("socket: \(String(cString: strerror(errno)))") }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else {
        let text = String(cString: strerror(errno))
        close(fd)
        throw TLSSocketError("listen on 127.0.0.1: \(text)")
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

func acceptWithin(_ listener: Int32, until deadline: ContinuousClock.Instant) throws -> Int32 {
    guard waitReadable(listener, until: deadline) else { throw TLSSocketError("no connection arrived") }
    let fd = accept(listener, nil, nil)
    guard fd >= 0 else { throw TLSSocketError("accept: \(String(cString: strerror(errno)))") }
    return fd
}

func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
        if sent < 0 {
            if errno == EINTR { continue }
            throw TLSSocketError("send: \(String(cString: strerror(errno)))")
        }
        offset += sent
    }
}

/// A TLS engine over a blocking socket, moved by poll: the shape the real
/// event loop has, minus the other connections.
final class TLSSocketConnection {
    let fd: Int32
    let engine: TLSEngine
    var received: [UInt8] = []
    var error: TLSError?
    var sawCloseNotify = false
    var sawEndOfStream = false

    init(fd: Int32, engine: TLSEngine) {
        self.fd = fd
        self.engine = engine
    }

    private var socketOpen = true

    deinit { closeSocket() }

    /// Idempotent: a second close could hit a descriptor another test just opened.
    func closeSocket() {
        if socketOpen {
            socketOpen = false
            close(fd)
        }
    }

    func flush() throws {
        var outgoing: [UInt8] = []
        engine.drainCiphertext(into: &outgoing)
        if !outgoing.isEmpty { try sendAll(fd, outgoing) }
    }

    func write(_ plaintext: [UInt8]) throws {
        try engine.write(plaintext: plaintext)
        try flush()
    }

    /// Runs the connection until `done` holds, the stream ends, TLS fails, or the cap.
    func run(until done: (TLSSocketConnection) -> Bool) throws {
        let deadline = ContinuousClock.now + tlsTestWaitCap
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if error == nil && !sawCloseNotify {
                do {
                    if try engine.readPlaintext(into: &received) == .closed { sawCloseNotify = true }
                } catch {
                    self.error = error
                }
            }
            // A failed engine has an alert queued; send it so the peer learns why.
            try? flush()
            if done(self) || error != nil || sawCloseNotify || sawEndOfStream { return }
            guard waitReadable(fd, until: deadline) else {
                throw TLSSocketError("nothing more arrived within \(tlsTestWaitCap)")
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TLSSocketError("recv: \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                sawEndOfStream = true
                engine.feedEndOfStream()
            } else {
                chunk.withUnsafeBytes { engine.feed(ciphertext: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }

    func shutdown() {
        engine.shutdown()
        try? flush()
    }
}
