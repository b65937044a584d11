import Foundation
import Testing

@Suite struct CommandLineTests {
    /// Wrong input: one clear line on standard error, exit code 2, never a trace.
    @Test(arguments: [
        (["-P", "abc"], "not a number"),
        (["-P", "70000"], "out of range"),
        (["--port=-1", "-s"], "out of range"),
        (["-c", "12345g"], "not a colour"),
        (["-c", "#12345"], "not a colour"),
        (["--nope"], "unknown option --nope"),
        (["-u"], "needs a value"),
        (["-s", "--max-output", "0"], "out of range"),
        (["-s", "--stall-timeout", "soon"], "not a number"),
        (["-s", "--rate", "-1"], "out of range"),
        (["-s", "--burst", "0"], "out of range"),
        (["-s", "--history-for-originals", "101"], "out of range"),
        (["-s", "--max-per-address", "many"], "not a number"),
        (["-s", "--frame-timeout", "0"], "out of range"),
        (["replay"], "which log"),
        (["-s"], "--headless"),
        (["-s", "--headless", "-P", "0", "--record", "/nonexistent-dir/x.log"], "cannot create"),
    ])
    func usageErrors(args: [String], message: String) async throws {
        let p = try Proc.pychat("pychat", args)
        #expect(try await p.exitCode() == 2)
        let lines = p.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(p.stderr)")
        #expect(p.stderr.hasPrefix("pychat: ") && p.stderr.contains(message), "\(p.stderr)")
    }

    @Test func connectFailureExitsOne() async throws {
        // A port nobody listens on: bind one, note it, close it.
        let probe = try await Server.start()
        probe.proc.signal(SIGTERM)
        _ = try await probe.proc.exitCode()
        let p = try client("alice", port: probe.port)
        #expect(try await p.exitCode() == 1)
        #expect(p.stderr.contains("cannot connect to 127.0.0.1:\(probe.port)"), "\(p.stderr)")
    }

    /// A second `pychat certs` into the same folder would orphan every certificate the first
    /// CA signed: it refuses, leaves the files as they were, and `--force` replaces them.
    @Test func certsKeepAnExistingAuthority() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-certs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Proc.pychat("certs", ["certs", "--out", dir])
        #expect(try await first.exitCode() == 0, "\(first.stderr)")
        let ca = try Data(contentsOf: URL(fileURLWithPath: dir + "/rootCA.pem"))

        let again = try Proc.pychat("certs-again", ["certs", "--out", dir])
        #expect(try await again.exitCode() == 1)
        #expect(again.stderr.contains("rootCA.key exists; pass --force"), "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/rootCA.pem")) == ca)

        let forced = try Proc.pychat("certs-force", ["certs", "--out", dir, "--force"])
        #expect(try await forced.exitCode() == 0, "\(forced.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/rootCA.pem")) != ca)
    }

    @Test func helpAndVersion() async throws {
        let help = try Proc.pychat("help", ["--help"])
        #expect(try await help.exitCode() == 0)
        #expect(help.stdout.contains("--stall-timeout") && help.stdout.contains("--frame-timeout"))
        for flag in ["--rate N", "--burst N", "--max-per-address N", "--max-unjoined-per-address N",
                     "--connect-burst N", "--connects-per-minute N", "--history-for-originals N"] {
            #expect(help.stdout.contains(flag))
        }
        // The keys are listed too, from the same table F1 draws.
        for line in ["Ctrl-R  ", "search the messages sent", "F1 ", "--no-notify", "[--force]"] {
            #expect(help.stdout.contains(line), "\(line)")
        }
        let version = try Proc.pychat("version", ["--version"])
        #expect(try await version.exitCode() == 0)
        #expect(version.stdout.hasPrefix("pychat "))
    }
}
