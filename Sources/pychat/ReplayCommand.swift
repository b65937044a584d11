import ChatState
import Foundation

/// `pychat replay FILE [--verify]`: the recorded events through the pure core again. Prints
/// the transcript (each line the user saw, with its step), or with --screen / --screens the
/// terminal screens the user saw; with --verify, the first step whose effects differ from the
/// record fails the run.
enum ReplayCommand {
    static func run(_ options: ReplayOptions) -> Int32 {
        let path = options.path, verify = options.verify
        guard let data = FileManager.default.contents(atPath: path) else {
            Output.error("replay: cannot read \(path)")
            return ExitCode.usage
        }
        var out = ""
        var through: Int?
        var eachStep: ((Int, ChatApp) -> Void)?
        switch options.screens {
        case .none: break
        case .at(let step): through = step
        case .every: eachStep = { step, app in if let frame = app.frame { out += screen(frame, step: step) } }
        }
        let result = Replay.run(String(decoding: data, as: UTF8.self), stopAtDivergence: verify,
                                through: through, eachStep: eachStep)
        switch options.screens {
        case .none:
            for line in result.transcript { out += "[\(line.step)] \(line.line.transcript)\n" }
        case .at(let step):
            // A step the log never reached has no screen: showing the last one would pass it off
            // as the screen at that step.
            if let step, step > result.stepsReplayed {
                Output.error("replay: \(path) has no step \(step); it ends after step \(result.stepsReplayed)")
                return ExitCode.failure
            }
            guard let frame = result.app?.frame else {
                Output.error("replay: \(path) has no terminal screen (a headless session)")
                return ExitCode.failure
            }
            out += screen(frame, step: result.stepsReplayed)
        case .every:
            if out.isEmpty { Output.error("replay: \(path) has no terminal screen (a headless session)") }
        }
        Output.standard(out)

        var code = ExitCode.ok
        if let d = result.divergence {
            Output.error("""
                replay: \(path) diverges at step \(d.step)
                  event:    \(json(d.event))
                  expected: \(json(d.expected))
                  actual:   \(json(d.actual))
                """)
            if verify { code = ExitCode.failure }
        }
        if let damage = result.damage {
            // What was replayed is printed, but a damaged log is never a success: a script must not
            // take half a session for the whole one.
            Output.error("replay: \(path) is damaged at \(damage); replayed \(result.stepsReplayed) steps before it")
            code = ExitCode.failure
        }
        if verify && code == ExitCode.ok {
            Output.error("replay: \(result.stepsReplayed) steps replayed, every effect as recorded")
        }
        return code
    }

    /// A screen as text between rules that name the step: what the user saw, cell for cell.
    static func screen(_ frame: Frame, step: Int) -> String {
        let rule = "── step \(step) " + String(repeating: "─", count: max(0, frame.cols - 10 - String(step).count))
        return rule + "\n" + frame.lines().joined(separator: "\n") + "\n"
    }

    private static func json(_ value: some Encodable) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? e.encode(value) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}

enum Output {
    static func standard(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data("pychat: \(line)\n".utf8))
    }
}
