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
    case .certs:
        // Hook for the TLS branch: `pychat certs [--out DIR]` makes the rootCA/server/client set.
        Output.error("certs: not available in this build yet (it comes with TLS support)")
        return ExitCode.usage
    case .chat(let options):
        return chat(options)
    }
}

func chat(_ o: ChatOptions) -> Int32 {
    if o.ssl {
        Output.error("--ssl: TLS not available yet in this build")
        return ExitCode.usage
    }
    // The terminal front-end plugs in through ChatIO.Frontend; until it exists only the
    // headless modes run.
    guard o.headless else {
        Output.error("the terminal UI is not available yet; run with --headless")
        return ExitCode.usage
    }
    var runtimeOptions = o.runtime
    runtimeOptions.readsStandardInput = !o.serve
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
