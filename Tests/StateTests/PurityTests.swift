import Foundation
import Testing

/// The core's purity, enforced rather than promised (as TigerBeetle's `tidy` does): a scan of
/// `Sources/ChatState` for the ways time, chance, the outside world or hash order could leak into
/// states, effects or frames. A line that must use one of these says why in a comment ending the
/// line: `// purity: REASON`.
@Suite struct PurityTests {
    struct Finding: CustomStringConvertible, Equatable {
        let file: String
        let line: Int
        let rule: String
        var description: String { "\(file):\(line): \(rule)" }
    }

    /// Each banned use, as a regular expression, with what it would let in.
    static let banned: [(pattern: String, rule: String)] = [
        (#"^\s*import\s+(Glibc|Darwin|Musl|Dispatch|COpenSSL|CSQLite|CLinux|ChatIO|FoundationNetworking)\b"#,
         "imports an I/O module"),
        (#"\b(Date|ContinuousClock|SuspendingClock|DispatchTime|DispatchWallTime|CFAbsoluteTimeGetCurrent)\b"#, "reads a clock"),
        (#"\b(clock_gettime|gettimeofday|mach_absolute_time|time\(nil\))"#, "reads a clock"),
        (#"\.random\(|\brandomElement\(|\bshuffle(d)?\(|SystemRandomNumberGenerator|arc4random|\bUUID\(\)"#, "draws chance"),
        (#"\b(FileManager|FileHandle|fopen|open\(|Process\(|ProcessInfo|getenv|URLSession|Socket)\b"#,
         "touches the file system, processes or the network"),
        (#"\b(Thread|DispatchQueue|OperationQueue|pthread_\w+|Task\s*\{|Task\.detached|NSLock|Mutex)\b"#,
         "uses threads or tasks"),
        (#"\bhashValue\b|\bHasher\(\)"#, "depends on per-process hash seeds"),
    ]

    /// Iterations whose order is a hash table's: methods that visit elements in order.
    static let orderedVisits = #"\.(keys|values|map|compactMap|flatMap|filter|forEach|reduce|first\(where|last\(where|sorted\(by|min\(by|max\(by|enumerated|makeIterator|lazy|prefix|suffix|dropFirst|dropLast|randomElement|joined)\b"#

    /// Scans Swift source text; `file` only names it in findings.
    static func scan(_ text: String, file: String) -> [Finding] {
        let lines = text.components(separatedBy: "\n")
        var findings: [Finding] = []
        // Stored properties and locals of a hashed type, named for the iteration check.
        var hashed: Set<String> = []
        let declaration = try! NSRegularExpression(
            pattern: #"\b(?:var|let)\s+(\w+)\s*:\s*(?:\[[^\]\[]+:[^\]\[]+\]|Set<|Dictionary<)"#)
        for line in lines {
            let range = NSRange(line.startIndex..., in: line)
            for m in declaration.matches(in: line, range: range) {
                hashed.insert(String(line[Range(m.range(at: 1), in: line)!]))
            }
        }
        for (n, raw) in lines.enumerated() {
            if raw.contains("// purity:") { continue }
            let line = code(raw)
            if line.isEmpty { continue }
            for (pattern, rule) in banned where line.range(of: pattern, options: .regularExpression) != nil {
                findings.append(Finding(file: file, line: n + 1, rule: rule))
            }
            for name in hashed.sorted() {
                let visit = #"\b\#(name)\??"# + orderedVisits
                let loop = #"\bfor\b.*\bin\s+(self\.)?\#(name)\b\s*(\{|where|$)"#
                if line.range(of: visit, options: .regularExpression) != nil
                    || line.range(of: loop, options: .regularExpression) != nil {
                    findings.append(Finding(file: file, line: n + 1, rule: "visits \(name) in hash order"))
                }
            }
        }
        return findings
    }

    /// A line without its comment and string literals (roughly: enough for this scan).
    static func code(_ line: String) -> String {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("//") || trimmed.hasPrefix("*") || trimmed.hasPrefix("///") { return "" }
        var out = ""
        var inString = false
        var previous: Character = " "
        for c in line {
            if c == "\"" && previous != "\\" { inString.toggle(); out.append(c) }
            else if !inString && c == "/" && previous == "/" { out.removeLast(); break }
            else if !inString { out.append(c) }
            previous = c
        }
        return out
    }

    static let core = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/ChatState")

    @Test func theCoreUsesNoClockChanceIOThreadsOrHashOrder() throws {
        let files = try #require(FileManager.default.enumerator(atPath: Self.core.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(files.count > 30, "the scan found only \(files.count) files under \(Self.core.path)")
        var findings: [Finding] = []
        for f in files {
            let text = try String(contentsOf: Self.core.appendingPathComponent(f), encoding: .utf8)
            findings += Self.scan(text, file: f)
        }
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    /// The scan itself: each rule catches what it is for, and leaves comments, strings and
    /// order-free uses of hashed collections alone.
    @Test func theScanCatchesEachKindOfLeak() {
        let planted = """
            import Glibc
            let now = Date()
            let t = ContinuousClock.now
            let n = Int.random(in: 0..<3)
            let id = UUID()
            let data = FileManager.default.contents(atPath: "x")
            DispatchQueue.main.async {}
            var table: [String: Int] = [:]
            for (k, v) in table { print(k, v) }
            let names = table.keys.sorted()
            let firstBig = table.first(where: { $0.value > 1 })
            var seen: Set<Int> = []
            let listed = seen.map { $0 }
            """
        let rules = Self.scan(planted, file: "x").map(\.line)
        #expect(rules == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13])
        let clean = """
            // Date() in a comment, and random too
            let s = "Date() in a string"
            var table: [String: Int] = [:]
            let known = table["a"] != nil && table.contains { $0.value > 1 } && table.count > 0
            let order = table.keys.sorted()  // purity: sorted, so the order is the keys'
            """
        #expect(Self.scan(clean, file: "y") == [])
    }
}
