import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation

struct BenchMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Normalization records/s on one thread, beside jq on the same input in the same run.",
        discussion: "Build with -c release for meaningful figures: swift run -c release callgate bench map"
    )

    @OptionGroup var options: ConfigOption

    @Option(name: .long, help: "Source whose mapping is measured.")
    var source = "miitel"

    @Option(name: .long, help: "Payload to normalize.")
    var file = "Tests/Fixtures/miitel/speech-recognition-ja.json"

    @Option(name: .long, help: "Seconds to measure CallGate for.")
    var seconds = 5.0

    @Option(name: .long, help: "jq program doing the equivalent translation (skipped when missing).")
    var jqProgram = "../shared/bench/miitel.jq"

    @Option(name: .long, help: "Payload copies jq processes in one run.")
    var jqCopies = 20000

    func run() throws { try CLIError.report(bench) }

    func bench() throws {
        let pipeline = try options.pipeline(source, in: try options.load())
        let payload = try CLIInput.read(file)
        let benchmark = MapBenchmark(pipeline: pipeline, payload: payload, seconds: seconds)
        let ours = try benchmark.run()
        print("callgate bench map: source \(source), \(file) (\(payload.count) bytes)")
        print(
            String(
                format: "  callgate  %10.0f records/s  %7.2f µs/record  (%d records in %.2f s, 1 thread)",
                ours.recordsPerSecond, ours.microsecondsPerRecord, ours.records, ours.elapsed))
        let stages = try benchmark.stages()
        print(
            String(
                format:
                    "  stages    parse %.1f µs, map %.1f µs (of which event ids %.1f µs), encode %.1f µs per payload",
                stages.parse, stages.map, stages.identity, stages.encode))
        guard FileManager.default.fileExists(atPath: jqProgram) else {
            print("  jq        skipped: \(jqProgram) not found (--jq-program)")
            return
        }
        guard let jq = try benchmark.runJQ(program: jqProgram, copies: jqCopies) else {
            print("  jq        skipped: jq is not installed")
            return
        }
        print(
            String(
                format: "  %@  %10.0f records/s  %7.2f µs/record  (%d records in %.2f s)",
                (MapBenchmark.jqVersion() ?? "jq").padding(toLength: 8, withPad: " ", startingAt: 0),
                jq.recordsPerSecond, jq.microsecondsPerRecord, jq.records, jq.elapsed))
        print(String(format: "  ratio     %.1f× jq", ours.recordsPerSecond / jq.recordsPerSecond))
    }
}
