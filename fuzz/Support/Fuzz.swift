// What every fuzz target shares: reading structure out of the fuzzer's bytes, the work
// counter, and failing loudly (a trap, which libFuzzer reports as a crash and saves).
import Glibc

@_silgen_name("pychat_fuzz_work")
func pychatFuzzWork() -> UInt64

/// Work done in ChatState so far, in executed edges (see WorkCounter.c).
func workSoFar() -> UInt64 { pychatFuzzWork() }

/// Fails the run when `body` costs more than `perByte` edges per input byte plus `fixed`:
/// a linear algorithm stays under such a line for every input, a quadratic one crosses it
/// once its input is a few thousand bytes long. The constants are set per target with room
/// to spare above the worst the fuzzer found in the linear code.
func expectLinear<T>(_ what: String, bytes: Int, perByte: UInt64, fixed: UInt64 = 20_000,
                     _ body: () throws -> T) rethrows -> T {
    let before = workSoFar()
    let result = try body()
    let spent = workSoFar() - before
    let budget = perByte * UInt64(bytes) + fixed
    if reportWork, bytes >= 64 { print("work: \(what) \(spent / UInt64(bytes)) edges per byte (\(bytes) bytes)") }
    expect(spent <= budget, "\(what): \(spent) edges for \(bytes) bytes, over the linear budget of \(budget)")
    return result
}

/// PYCHAT_FUZZ_REPORT_WORK=1 prints the edges per byte of each check, to set the budgets:
/// `fuzz/run.sh TARGET .build/fuzz/corpus/TARGET/*` shows what the corpus costs.
let reportWork = getenv("PYCHAT_FUZZ_REPORT_WORK").map { String(cString: $0) == "1" } ?? false

/// A failed invariant: say which, then trap so libFuzzer saves the input.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fputs("fuzz invariant failed: \(message())\n", stderr)
        fatalError("fuzz invariant failed")
    }
}

/// The fuzzer's bytes read as a stream of small decisions, then data. Reading past the end
/// gives zeros, so every input means something.
struct FuzzInput {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() -> Int { Int(byte()) << 8 | Int(byte()) }

    /// Up to `count` bytes, fewer at the end.
    mutating func take(_ count: Int) -> ArraySlice<UInt8> {
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return bytes[offset..<end]
    }

    mutating func rest() -> ArraySlice<UInt8> { take(bytes.count - offset) }
}

/// The entry point libFuzzer calls: each target defines `fuzzOne`.
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzOne(bytes)
    return 0
}

/// Cuts `count` bytes into reads of 1 to `longest` bytes, chosen by `seed`: how a target
/// checks that a decoder gives the same answer however its stream arrives.
func reads(of count: Int, seed: UInt8, longest: Int) -> [Range<Int>] {
    var state = UInt32(seed) | 1
    var out: [Range<Int>] = []
    var at = 0
    while at < count {
        state = state &* 1_103_515_245 &+ 12_345
        let n = min(count - at, 1 + Int(state >> 16) % longest)
        out.append(at..<at + n)
        at += n
    }
    return out
}
