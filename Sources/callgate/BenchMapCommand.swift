import ArgumentParser
import CallGateKit

struct BenchMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "map", abstract: "Normalization records/s (placeholder).")
    func run() throws {}
}
