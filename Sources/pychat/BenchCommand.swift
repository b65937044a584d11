import ChatBench
import ChatIO
import ChatState
import Glibc

/// `pychat bench`: the load generator, or (`--relay`) the trivial relay it is checked against.
struct BenchCommandOptions {
    var bench = BenchOptions()
    var relay = false
    var ssl = false
    var certFile = "./client.pem"
    var caFile = "./rootCA.pem"
    var jsonPath: String?
}

enum BenchCommand {
    static func run(_ o: BenchCommandOptions) -> Int32 {
        var options = o.bench
        var tls: TLSContext?
        if o.ssl {
            do {
                tls = o.relay
                    ? try TLSContext.server(certFile: o.certFile, caFile: o.caFile)
                    : try TLSContext.client(certFile: o.certFile, caFile: o.caFile)
            } catch {
                Output.error("--ssl: \(error.description)")
                return ExitCode.usage
            }
        }
        if o.relay {
            do {
                let relay = try BenchRelay(host: options.host, port: options.port, tls: tls)
                Output.error("relay listening on \(options.host):\(relay.port)")
                relay.run()
            } catch {
                Output.error(error.description)
                return error.code
            }
        }
        options.tls = tls
        let report: BenchReport
        do {
            report = try BenchClient(options: options).run()
        } catch {
            Output.error(error.description)
            return error.code
        }
        Output.standard(report.text + "\n")
        if let path = o.jsonPath {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                Output.error("--json: cannot write \(path): \(String(cString: strerror(errno)))")
                return ExitCode.failure
            }
            var text = report.json
            _ = text.withUTF8 { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        return report.ok ? ExitCode.ok : ExitCode.failure
    }
}
