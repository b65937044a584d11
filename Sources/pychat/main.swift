import ChatIO
import ChatState
import Glibc

/// The command line: parse, build the initial config, run. No chat logic lives here.
func main() -> Int32 {
    let command: Command
    do {
        var parser = ArgumentParser(Array(CommandLine.arguments.dropFirst()))
        command = try parser.parse()
    } catch {
        Output.error(error.message)
        return ExitCode.usage
    }
    switch command {
    case .help:
        Output.standard(Usage.text + "\n")
        return ExitCode.ok
    case .version:
        Output.standard(Usage.version + "\n")
        return ExitCode.ok
    case let .replay(path, verify):
        return ReplayCommand.run(path: path, verify: verify)
    case .certs(let directory):
        do {
            try CertificateFactory.writeStandardSet(into: directory)
        } catch {
            Output.error("certs: \(error.description)")
            return ExitCode.failure
        }
        Output.standard("wrote rootCA.key, rootCA.pem, server.pem and client.pem in \(directory)\n")
        return ExitCode.ok
    case .bench(let options):
        return BenchCommand.run(options)
    case .chat(let options):
        return chat(options)
    }
}

func chat(_ o: ChatOptions) -> Int32 {
    // The terminal front-end plugs in through ChatIO.Frontend; until it exists only the
    // headless modes run.
    guard o.headless else {
        Output.error("the terminal UI is not available yet; run with --headless")
        return ExitCode.usage
    }
    var runtimeOptions = o.runtime
    runtimeOptions.readsStandardInput = !o.serve
    if o.ssl {
        // The certificate and CA files are read now, so a bad path fails before any socket.
        do {
            runtimeOptions.tls = o.serve
                ? try TLSContext.server(certFile: o.certFile, caFile: o.caFile)
                : try TLSContext.client(certFile: o.certFile, caFile: o.caFile)
        } catch {
            Output.error("--ssl: \(error.description)")
            return ExitCode.usage
        }
    }
    let config = AppConfig(
        role: o.serve ? .server : .client, host: o.host, port: o.port, username: o.username, color: o.color,
        // A headless server is a daemon with no host user in the room.
        hostUID: nil, terminal: nil, maxFrameLength: o.maxFrameLength, maxConnections: o.maxConnections)

    var recorder: Recorder?
    if let path = o.recordPath {
        do {
            recorder = try Recorder(path: path)
        } catch {
            Output.error("--record: \(error.description)")
            return ExitCode.usage
        }
    }
    do {
        let runtime = try Runtime(config: config, options: runtimeOptions, recorder: recorder)
        return try runtime.run()
    } catch {
        Output.error(error.description)
        return error.code
    }
}

exit(main())
