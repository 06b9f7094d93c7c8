import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

@main
struct CallGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callgate",
        abstract: "Receive call webhooks, normalize them into canonical call events, and deliver them.",
        subcommands: [
            ServeCommand.self, MapCommand.self, CheckCommand.self, EventsCommand.self, DeliveriesCommand.self,
            QuarantineCommand.self, ReplayCommand.self, SinksCommand.self, BackupCommand.self, MigrateStoreCommand.self,
            BenchCommand.self,
        ]
    )
}

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file.")
    var config = "callgate.yaml"

    /// The configuration with every source's adapter and mapping, or a `CLIError` listing each
    /// problem as file:line:column.
    func load() throws -> Normalizer {
        do {
            return try Normalizer.load(configFile: config)
        } catch {
            throw CLIError(error.description)
        }
    }

    func pipeline(_ source: String, in normalizer: Normalizer) throws -> SourcePipeline {
        guard let pipeline = normalizer.pipeline(for: source) else {
            let known = normalizer.pipelines.map(\.settings.id).joined(separator: ", ")
            throw CLIError("unknown source '\(source)' (configured: \(known))")
        }
        return pipeline
    }
}
