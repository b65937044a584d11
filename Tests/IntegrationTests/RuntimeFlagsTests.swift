@testable import ChatIO
@testable import pychat
import Testing

/// The runtime's deadlines and limits are tested on the injected clock with `RuntimeOptions`
/// set by the test (`RuntimeFlowTests`, `RuntimeClockTests`); this is the other half: the
/// command line's flags land in those options, so the binary runs with what the user asked.
@Suite struct RuntimeFlagsTests {
    static func runtimeOptions(_ args: [String]) throws -> RuntimeOptions? {
        var parser = ArgumentParser(args)
        guard case let .chat(options) = try parser.parse() else { return nil }
        return options.runtime
    }

    @Test func flowControlFlagsLandInTheRuntimeOptions() throws {
        let set = try #require(try Self.runtimeOptions(["-s", "--max-output", "65536", "--stall-timeout", "1", "--frame-timeout", "2.5"]))
        #expect(set.maxOutputBytes == 65536)
        #expect(set.stallTimeoutMillis == 1_000)
        #expect(set.frameTimeoutMillis == 2_500)
        // And the reasons logged for them say so.
        #expect(set.stallReason == "stopped reading: took no output for 1 s while the room waited for it")
        #expect(set.frameTimeoutReason == "frame unfinished 2.5 s after its first byte")
    }

    @Test func withoutFlagsTheDefaultsHold() throws {
        let unset = try #require(try Self.runtimeOptions(["-s"]))
        #expect(unset.maxOutputBytes == RuntimeOptions.defaultMaxOutputBytes)
        #expect(unset.stallTimeoutMillis == RuntimeOptions.defaultStallTimeoutMillis)
        #expect(unset.frameTimeoutMillis == RuntimeOptions.defaultFrameTimeoutMillis)
    }
}
