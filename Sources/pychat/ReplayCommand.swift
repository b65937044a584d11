import ChatState
import Foundation

/// `pychat replay FILE [--verify]`: the recorded events through the pure core again. Prints
/// the transcript (each line the user saw, with its step); with --verify, the first step whose
/// effects differ from the record fails the run.
enum ReplayCommand {
    static func run(path: String, verify: Bool) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            Output.error("replay: cannot read \(path)")
            return ExitCode.usage
        }
        let result = Replay.run(String(decoding: data, as: UTF8.self), stopAtDivergence: verify)
        var out = ""
        for line in result.transcript {
            out += "[\(line.step)] \(line.line.transcript)\n"
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
            Output.error("replay: \(path) is damaged at \(damage); replayed \(result.stepsReplayed) steps before it")
            if verify { code = ExitCode.failure }
        }
        if verify && code == ExitCode.ok {
            Output.error("replay: \(result.stepsReplayed) steps replayed, every effect as recorded")
        }
        return code
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
