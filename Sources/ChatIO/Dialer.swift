import Glibc

/// Connects to the server: every address the name resolves to, IPv4 and IPv6, in the
/// resolver's order. Done before the loop starts (a client has nothing else to do meanwhile),
/// with a bounded wait per address so an unroutable one cannot hang the start.
enum Dialer {
    static let connectTimeoutMillis: Int32 = 10_000

    struct Dialled {
        let fd: Int32
        let remote: String
    }

    static func connect(host: String, port: Int) throws(DialError) -> Dialled {
        let addresses: [ResolvedAddress]
        do {
            addresses = try Sys.resolve(host: host, port: port, passive: false)
        } catch {
            throw DialError(description: "cannot connect to \(host):\(port): \(error.message)")
        }
        var last = "no address"
        for a in addresses {
            let fd = socket(a.family, a.socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), a.proto)
            guard fd >= 0 else { last = Sys.message(errno); continue }
            if let failure = finishConnect(fd, a) {
                last = failure
                close(fd)
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return Dialled(fd: fd, remote: a.description)
        }
        throw DialError(description: "cannot connect to \(host):\(port): \(last)")
    }

    /// nil on success, else why not.
    private static func finishConnect(_ fd: Int32, _ a: ResolvedAddress) -> String? {
        let rc = a.withSockaddr { Glibc.connect(fd, $0, $1) }
        if rc == 0 { return nil }
        guard errno == EINPROGRESS else { return Sys.message(errno) }
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var ready: Int32
        repeat { ready = poll(&p, 1, connectTimeoutMillis) } while ready < 0 && errno == EINTR
        if ready == 0 { return "timed out" }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0 ? nil : Sys.message(error)
    }
}

public struct DialError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
