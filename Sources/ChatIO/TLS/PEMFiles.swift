// Linux only, like the epoll loop this serves.
import Glibc

/// Whole-file reads and writes with POSIX calls, because the errors must tell
/// "missing" from "unreadable" and name the path (Foundation's do not).
enum PEMFiles {
    /// PEM files are small; anything bigger is not a certificate file.
    static let maximumSize = 1 << 20

    static func read(_ path: String, role: String) throws(TLSError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT {
                throw TLSError(.fileMissing, "\(role) \(path): no such file")
            }
            throw TLSError(.fileUnreadable, "\(role) \(path): cannot open: \(errorText(code))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw TLSError(.fileUnreadable, "\(role) \(path): cannot read: \(errorText(code))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maximumSize {
                throw TLSError(.fileUnreadable, "\(role) \(path): larger than \(maximumSize) bytes, not a PEM file")
            }
        }
        return bytes
    }

    /// Writes `bytes` to `path` with exactly `mode`: the mode is forced with
    /// fchmod because open() only applies it to new files, and through the umask.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(TLSError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 {
            throw TLSError(.fileUnwritable, "cannot write \(path): \(errorText(errno))")
        }
        defer { close(fd) }
        if fchmod(fd, mode) != 0 {
            throw TLSError(.fileUnwritable, "cannot set mode of \(path): \(errorText(errno))")
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw TLSError(.fileUnwritable, "cannot write \(path): \(errorText(code))")
            }
            offset += n
        }
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
