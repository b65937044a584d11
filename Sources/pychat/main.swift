import ChatIO
import ChatState
import Foundation
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
        Output.standard(Usage.text + "\n\nkeys (F1 shows them on screen):\n" + KeyHelp.text + "\n")
        return ExitCode.ok
    case .version:
        Output.standard(Usage.version + "\n")
        return ExitCode.ok
    case let .replay(options):
        return ReplayCommand.run(options)
    case let .certs(directory, force):
        // A new CA orphans every certificate the old one signed: never replace it by accident.
        if !force, let existing = CertificateFactory.existingAuthorityFile(in: directory) {
            Output.error("certs: \(existing) exists; pass --force to replace the CA (certificates it signed stop working)")
            return ExitCode.failure
        }
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

/// How the local user takes part: a full-screen terminal UI, a plain line mode (TERM=dumb:
/// lines in on standard input, the transcript out), or not at all (--headless).
enum Presentation {
    case terminal
    case lines
    case headless

    static func choose(headless: Bool, environment: [String: String]) -> Presentation {
        if headless { return .headless }
        return environment["TERM"] == "dumb" ? .lines : .terminal
    }
}

func chat(_ o: ChatOptions) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    let presentation = Presentation.choose(headless: o.headless, environment: environment)
    var runtimeOptions = o.runtime
    // A client always reads its messages from standard input unless the terminal UI has it;
    // so does the host user of a server in line mode. A headless server reads nothing.
    runtimeOptions.readsStandardInput = presentation == .lines || (presentation == .headless && !o.serve)
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
    var frontend: TerminalFrontend?
    if presentation == .terminal {
        do {
            frontend = try TerminalFrontend(colors: TerminalFrontend.colorMode(environment: environment))
        } catch {
            Output.error(error.description)
            return ExitCode.usage
        }
    }
    // The room log is opened before listening (after the usage checks above and the screen):
    // a server that cannot keep it says why in one line and never takes a connection.
    let roomLog: RoomLog?
    do {
        roomLog = o.serve ? try o.store.open(host: o.host, port: o.port, environment: environment) : nil
    } catch {
        frontend?.restore()
        Output.error(error.description)
        return ExitCode.failure
    }
    // A headless server is a daemon with no host user in the room; otherwise the host user
    // (named by -u, coloured by -c) gets a fresh random uid.
    let hostUID = o.serve && presentation != .headless
        ? UID(randomBits: UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max)) : nil
    // A client's backoff jitter and session token are drawn here, once, and recorded with the
    // configuration, so a replay follows the same schedule (see ReconnectPolicy).
    let reconnect = !o.serve && o.reconnect
        ? ReconnectPolicy(initialMillis: o.reconnectInitialMillis, seed: UInt64.random(in: .min ... .max),
                          session: UID(randomBits: UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max)))
        : nil
    let config = AppConfig(
        role: o.serve ? .server : .client, host: o.host, port: o.port, username: o.username, color: o.color,
        hostUID: hostUID, terminal: frontend.map { $0.currentSize() ?? TerminalSize(cols: 80, rows: 24) },
        maxFrameLength: o.maxFrameLength, maxConnections: o.maxConnections, chatRate: o.chatRate,
        chatBurst: o.chatBurst, admission: o.admission, historyForOriginals: o.historyForOriginals,
        reconnect: reconnect, tls: o.ssl, notify: ChatOptions.notifies(flag: o.notify, environment: environment))

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
        let runtime = try Runtime(config: config, options: runtimeOptions, recorder: recorder, frontend: frontend)
        runtime.roomLog = roomLog
        runtime.roomLogKeep = o.store
        if frontend != nil {
            runtime.inputHistory = InputHistoryFile.inFolder(StoreOptions.defaultFolder(environment: environment),
                                                             serving: o.serve, host: o.host, port: o.port)
        }
        return try runtime.run()
    } catch {
        frontend?.restore()
        Output.error(error.description)
        return error.code
    }
}

exit(main())
