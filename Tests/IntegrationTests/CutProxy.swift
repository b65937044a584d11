import Foundation
import Glibc

/// A TCP relay on 127.0.0.1 in front of a server, which a test can cut: every link through it
/// is shut down at once (both peers see the close, as when a network drops), and while it
/// refuses, a new connection is accepted and closed at once. The server keeps running, so a
/// client cut off this way misses what the room says meanwhile: what `resume` must bring back.
final class CutProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let target: Int
    private let lock = NSLock()
    private var links: [(Int32, Int32)] = []
    private var refusing = false
    private var stopped = false

    init(to target: Int) throws {
        (listener, port) = try loopbackSocket(backlog: 16)
        self.target = target
        Thread { [self] in acceptLoop() }.start()
    }

    deinit {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        cut()
    }

    /// Shuts every current link down, both ways.
    func cut() {
        // Under the lock: a link's descriptors are closed (and may be reused) only under it too.
        lock.withLock {
            for (a, b) in links {
                shutdown(a, Int32(SHUT_RDWR))
                shutdown(b, Int32(SHUT_RDWR))
            }
        }
    }

    /// While refusing, connections are closed as soon as they are accepted.
    func refuse(_ on: Bool) { lock.withLock { refusing = on } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            if lock.withLock({ refusing || stopped }) {
                close(client)
                continue
            }
            guard let server = Self.dial(target) else {
                close(client)
                continue
            }
            lock.withLock { links.append((client, server)) }
            // Each direction on a thread of its own; the descriptors close when both are done.
            let done = Halves()
            for (from, to) in [(client, server), (server, client)] {
                Thread {
                    Self.pump(from, to)
                    if done.second() {
                        self.lock.withLock {
                            self.links.removeAll { $0 == (client, server) }
                            close(client)
                            close(server)
                        }
                    }
                }.start()
            }
        }
    }

    /// Which of a link's two pumps finished last (it closes the descriptors, once).
    private final class Halves: @unchecked Sendable {
        private let lock = NSLock()
        private var finished = 0
        func second() -> Bool { lock.withLock { finished += 1; return finished == 2 } }
    }

    private static func pump(_ from: Int32, _ to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            var sent = 0
            while sent < n {
                let w = buffer.withUnsafeBytes { write(to, $0.baseAddress! + sent, n - sent) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else {
                    shutdown(from, Int32(SHUT_RDWR))
                    return
                }
                sent += w
            }
        }
        shutdown(to, Int32(SHUT_RDWR))
    }

    private static func dial(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if ok { return fd }
        close(fd)
        return nil
    }
}
