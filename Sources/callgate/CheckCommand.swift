import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and every mapping it uses; exit 1 listing each error as file:line:column."
    )

    @OptionGroup var options: ConfigOption

    func run() throws { try CLIError.report(check) }

    func check() throws {
        let normalizer = try options.load()
        for pipeline in normalizer.pipelines {
            CLIOutput.write(
                "source \(pipeline.settings.id): adapter \(pipeline.adapter.name), mapping \(pipeline.mapping.file), region \(pipeline.settings.region)\n"
            )
        }
        for sink in normalizer.config.sinks {
            var line = "sink \(sink.id): \(sink.type.rawValue) \(sink.url ?? sink.path ?? "")"
            if let mapping = sink.transform?.mapping {
                line += ", transform \(mapping.target)"
                if mapping.keepsOneRecordPerCall { line += " (one record per call)" }
                if sink.recording?.upload == true { line += ", recording upload" }
            }
            if sink.effectiveOrder == .perCall { line += ", order per_call" }
            CLIOutput.write(line + "\n")
        }
        CLIOutput.write(
            "\(options.config): OK (\(normalizer.pipelines.count) sources, \(normalizer.config.sinks.count) sinks)\n")
    }
}
