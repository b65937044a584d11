import Foundation
import Testing

/// A headless peer that behaves on the wire like the original Python PyChat. The project's own
/// (`Tests/OriginalPeer/original_peer.py`) always runs; the shared reference peer, an independent
/// implementation checked against the real original, runs as a cross-check when it is there.
enum OriginalPeer: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case own
    case reference

    var testDescription: String { rawValue }

    var path: String {
        switch self {
        case .own:
            Binary.repositoryRoot.appendingPathComponent("Tests/OriginalPeer/original_peer.py").path
        case .reference:
            // Beside the checkout, as on CI; PYCHAT_REFPEER points elsewhere.
            ProcessInfo.processInfo.environment["PYCHAT_REFPEER"]
                ?? Binary.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/refpeer/pychat_peer.py").path
        }
    }

    var isAvailable: Bool { FileManager.default.isReadableFile(atPath: path) }

    /// CI sets PYCHAT_REQUIRE_REFPEER=1: there a missing reference peer is a failure, not a skip.
    static let referenceRequired = ProcessInfo.processInfo.environment["PYCHAT_REQUIRE_REFPEER"] == "1"

    /// The peers an interop test runs against: ours, and the reference one when it is there or
    /// required (then a missing one fails in `requireAvailable`). Said once on stderr when skipped.
    static let testable: [OriginalPeer] = {
        if reference.isAvailable || referenceRequired { return allCases }
        FileHandle.standardError.write(Data("""
            pychat tests: cross-check against the shared reference peer skipped: \(reference.path) \
            not found (PYCHAT_REFPEER names it; PYCHAT_REQUIRE_REFPEER=1 makes its absence a failure)\n
            """.utf8))
        return [.own]
    }()

    /// For tests that need the reference peer itself (the differential test).
    static let referenceTestable = reference.isAvailable || referenceRequired

    func requireAvailable() throws {
        guard isAvailable else {
            throw PeerMissing(description: """
                the \(rawValue) original-like peer is missing: \(path) \
                (PYCHAT_REQUIRE_REFPEER=1 requires it; PYCHAT_REFPEER names it)
                """)
        }
    }
}

struct PeerMissing: Error, CustomStringConvertible {
    let description: String
}

/// Checks a whole session of an original-like peer: it rejected no frame (each rejection is a
/// traceback over the original's chat screen) and met no quirk, i.e. pychat never made the
/// original throw or fall back on one of its oddities. `broadcast_reaches_unjoined` is the
/// exception: it is the original server's own broadcast policy meeting a connection that has not
/// sent its JoinRequest yet, a matter of timing, not of anything a peer sent.
func expectNothingOriginalWouldChokeOn(_ peer: Proc, sourceLocation: SourceLocation = #_sourceLocation) {
    let complaints = peer.events.filter { line in
        switch line["event"] as? String {
        case "rejected": true
        case "quirk": line["quirk"] as? String != "broadcast_reaches_unjoined"
        default: false
        }
    }
    #expect(complaints.isEmpty, "\(peer.name) complained: \(complaints)\n--- its output:\n\(peer.stdout)",
            sourceLocation: sourceLocation)
}

/// The texts an original-like peer was sent, once its session is checked whole: it choked on
/// nothing, and every frame was the original's (kind 1), so it saw nothing of another room.
func originalTexts(_ peer: Proc, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    expectNothingOriginalWouldChokeOn(peer, sourceLocation: sourceLocation)
    let frames = jsonLines(peer.stdout).filter { $0["kind"] != nil }
    #expect(frames.allSatisfy { $0["kind"] as? Int == 1 }, sourceLocation: sourceLocation)
    return frames.compactMap { ($0["msg"] as? [String: Any])?["text"] as? String }
}
