import Glibc

/// The Linux calls that Swift's Glibc module does not export (sys/epoll.h, sys/signalfd.h and
/// the _GNU_SOURCE accept4), looked up in the C library at first use and called through C
/// function pointers. A C shim target would do the same at compile time but needs a new
/// package target; these few stable ABI entry points do not justify one.
enum Linux {
    // Stable kernel ABI constants (include/uapi/linux/eventpoll.h, signalfd.h).
    static let EPOLLIN: UInt32 = 0x001
    static let EPOLLOUT: UInt32 = 0x004
    static let EPOLLERR: UInt32 = 0x008
    static let EPOLLHUP: UInt32 = 0x010
    static let EPOLL_CTL_ADD: Int32 = 1
    static let EPOLL_CTL_DEL: Int32 = 2
    static let EPOLL_CTL_MOD: Int32 = 3
    static let EPOLL_CLOEXEC: Int32 = O_CLOEXEC
    static let SFD_NONBLOCK: Int32 = O_NONBLOCK
    static let SFD_CLOEXEC: Int32 = O_CLOEXEC
    /// `struct signalfd_siginfo` is 128 bytes; `ssi_signo` is its first field.
    static let signalInfoSize = 128

    /// `struct epoll_event` is packed on x86-64 (12 bytes) and naturally aligned elsewhere.
    #if arch(x86_64)
    static let epollEventSize = 12
    static let epollDataOffset = 4
    #else
    static let epollEventSize = 16
    static let epollDataOffset = 8
    #endif

    typealias EpollCreate1 = @convention(c) (Int32) -> Int32
    typealias EpollCtl = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias EpollWait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias SignalFD = @convention(c) (Int32, UnsafePointer<sigset_t>?, Int32) -> Int32
    typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    static let epoll_create1: EpollCreate1 = symbol("epoll_create1")
    static let epoll_ctl: EpollCtl = symbol("epoll_ctl")
    static let epoll_wait: EpollWait = symbol("epoll_wait")
    static let signalfd: SignalFD = symbol("signalfd")
    static let accept4: Accept4 = symbol("accept4")

    private static func symbol<F>(_ name: String) -> F {
        // RTLD_DEFAULT is ((void *) 0): search the process's global symbols (libc is there).
        guard let p = dlsym(nil, name) else {
            fatalError("the C library has no \(name); pychat needs Linux")
        }
        return unsafeBitCast(p, to: F.self)
    }
}
