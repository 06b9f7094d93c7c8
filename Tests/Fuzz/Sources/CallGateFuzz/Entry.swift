import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer's entry point: runs the target named by `CALLGATE_FUZZ_TARGET` on one input.
///
/// One binary for every target keeps the sanitized build to one link; `.ci/fuzz` sets the variable
/// per run. A finding is a trap, a sanitizer report, or an `invariant` failure (two parsers
/// disagreeing, a result that does not round-trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzTargets.selected.run(Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}

/// A named fuzz target: what one input is fed to.
struct FuzzTarget: Sendable {
    var name: String
    var run: @Sendable ([UInt8]) -> Void
}

enum FuzzTargets {
    static let all: [FuzzTarget] =
        [
            FuzzTarget(name: "json", run: JSONFuzz.run),
            FuzzTarget(name: "form", run: FormFuzz.runForm),
            FuzzTarget(name: "query", run: FormFuzz.runQuery),
            FuzzTarget(name: "jsonpath", run: PathFuzz.run),
            FuzzTarget(name: "phone", run: PhoneFuzz.run),
            FuzzTarget(name: "time", run: TimeFuzz.run),
            FuzzTarget(name: "retry-after", run: TimeFuzz.runRetryAfter),
            FuzzTarget(name: "auth", run: AuthFuzz.run),
            FuzzTarget(name: "targets", run: TargetFuzz.run),
        ] + MappingFuzz.vendors.map { vendor in FuzzTarget(name: "mapping-\(vendor)") { MappingFuzz.run(vendor, $0) } }

    /// Resolved once, before the first input: an unknown name stops the run with the list.
    static let selected: FuzzTarget = {
        let name = getenv("CALLGATE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = all.first(where: { $0.name == name }) else {
            let names = all.map(\.name).joined(separator: " ")
            printError("CALLGATE_FUZZ_TARGET must be one of: \(names)")
            exit(2)
        }
        return target
    }()
}

/// Stops the run with a message libFuzzer reports as a crash, saving the input.
func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        printError("invariant failed: \(message())")
        abort()
    }
}

/// Splits fuzz input into fields at `separator` (at most `count` fields; the last takes the rest),
/// so one byte string can carry a header, a query and a body.
func fields(_ bytes: [UInt8], separator: UInt8 = 0, count: Int) -> [[UInt8]] {
    var out = bytes.split(separator: separator, maxSplits: count - 1, omittingEmptySubsequences: false).map(Array.init)
    while out.count < count { out.append([]) }
    return out
}

/// Fuzz bytes as text; invalid UTF-8 is repaired, as `String(decoding:)` does for header values.
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Writes a line to standard error (libFuzzer's report goes there too).
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

/// The executable's `main`: SwiftPM links an executable target's entry point under this name, so
/// it hands control to libFuzzer's driver (`LLVMFuzzerRunDriver`, what libFuzzer's own `main` calls).
@_cdecl("CallGateFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv) { start, count in fuzz(start, count) }
}
