import CLinux
import Glibc

/// The server's listening socket, bound to the first address `host` resolves to that works.
package final class Listener {
    package let fd: Int32
    /// The real port (the one the kernel picked when 0 was asked for).
    package let port: Int

    static let backlog: Int32 = 1024

    package init(host: String, port: Int) throws(ListenError) {
        (fd, self.port) = try Self.bind(host: host, port: port)
    }

    /// A non-blocking listening socket and its real port (what `EpollSystem` hands out).
    static func bind(host: String, port: Int) throws(ListenError) -> (fd: Int32, port: Int) {
        let addresses: [ResolvedAddress]
        do {
            addresses = try Sys.resolve(host: host, port: port, passive: true)
        } catch {
            throw ListenError(description: "cannot listen on \(host):\(port): \(error.message)")
        }
        var last = "no address"
        for a in addresses {
            let fd = socket(a.family, a.socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), a.proto)
            guard fd >= 0 else { last = Sys.message(errno); continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            let ok = a.withSockaddr { Glibc.bind(fd, $0, $1) } == 0 && listen(fd, Self.backlog) == 0
            if ok, let real = Sys.localPort(fd) { return (fd, real) }
            last = Sys.message(errno)
            close(fd)
        }
        throw ListenError(description: "cannot listen on \(host):\(port): \(last)")
    }

    deinit { close(fd) }

    package enum Accepted {
        /// `remote` is the peer's address and port for people; `address` its IP address alone.
        case connection(fd: Int32, remote: String, address: String)
        /// Nothing more to accept now.
        case none
        /// Out of descriptors: accept must pause or the loop would spin on a ready listener.
        case exhausted(String)
    }

    package func accept() -> Accepted { Self.accept(on: fd) }

    static func accept(on listener: Int32) -> Accepted {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listener, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
                }
            }
            if fd >= 0 {
                Sys.setNoDelay(fd)
                return .connection(fd: fd, remote: Sys.describe(&storage), address: Sys.peerAddress(&storage))
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .exhausted(Sys.message(errno))
            default: return .none
            }
        }
    }
}

public struct ListenError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
