import ArgumentParser
import CallGateKit

@main
struct CallGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callgate",
        abstract: "Receive call webhooks, normalize them into canonical call events, and deliver them.",
        subcommands: [MapCommand.self, CheckCommand.self, BenchCommand.self]
    )
}

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file.")
    var config = "callgate.yaml"
}
