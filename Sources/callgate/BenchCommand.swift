import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures (see Docs/performance.md).",
        subcommands: [BenchMapCommand.self]
    )
}
