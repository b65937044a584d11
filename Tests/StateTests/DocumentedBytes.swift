import Foundation
import Testing
@testable import ChatState

/// docs/PROTOCOL.md shows each extension message as `⟨LENGTH⟩02 JSON`, the exact bytes: one
/// home for checking that a message is written as them, decodes back, and is in the document.
enum DocumentedBytes {
    static func protocolDoc() throws -> String {
        try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/PROTOCOL.md").path, encoding: .utf8)
    }

    /// Returns the document, for checks of other frames.
    @discardableResult
    static func check(_ cases: [(ExtensionMessage, String)], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let doc = try protocolDoc()
        for (message, json) in cases {
            let frame = ExtensionCodec.frame(message)
            #expect(frame == FrameCodec.frame(kind: 2, parts: Array(json.utf8)), sourceLocation: sourceLocation)
            #expect(try ExtensionCodec.decode(Array(frame.dropFirst(5))) == message, sourceLocation: sourceLocation)
            #expect(doc.contains("⟨\(frame.count - 4)⟩02 \(json)\n"), "\(json) is not in docs/PROTOCOL.md",
                    sourceLocation: sourceLocation)
        }
        return doc
    }
}
