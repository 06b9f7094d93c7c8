import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Foundation
import Logging

struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy an SQLite store into PostgreSQL (events, calls, deliveries, attempts, quarantine).",
        discussion: """
            Reads the SQLite store from one snapshot, so it can run while the old gateway serves.
            Ids are kept. Every row is written as an upsert: after stopping the old gateway, run it
            again with --resume to bring over what changed since the first copy, then start the
            instances on PostgreSQL. A target that already holds data is refused without --resume.

            --to postgres:env:NAME reads the URL from the environment variable NAME, so the
            password does not appear in the process list.
            """
    )

    @Option(help: "The SQLite store: sqlite:PATH.") var from: String
    @Option(help: "The PostgreSQL store: postgres:URL or postgres:env:NAME.") var to: String
    @Flag(help: "The target holds an earlier copy of this store: bring it up to date.") var resume = false

    func run() async throws {
        try await reportAsync {
            guard from.hasPrefix("sqlite:"), case let path = String(from.dropFirst("sqlite:".count)), !path.isEmpty
            else { throw CLIError("--from takes sqlite:PATH") }
            guard to.hasPrefix("postgres:") else { throw CLIError("--to takes postgres:URL or postgres:env:NAME") }
            var url = String(to.dropFirst("postgres:".count))
            if url.hasPrefix("env:") {
                let name = String(url.dropFirst(4))
                guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                    throw CLIError("--to names the environment variable \(name), which is not set")
                }
                url = value
            }
            guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no SQLite store at \(path)") }
            let source: SQLiteStore
            let target: PostgresStore
            do {
                source = try SQLiteStore(path: path)
                target = try await PostgresStore(url: url, logger: Logger(label: "callgate.migrate-store"))
            } catch {
                throw CLIError("\(error)")
            }
            let started = ContinuousClock.now
            do {
                let report = try await withStoreRunning(target) {
                    try await StoreCopy.copy(from: source, to: target, resume: resume)
                }
                for (table, rows) in report { print("\(table)\t\(rows)") }
                CLIOutput.error("copied \(path) to PostgreSQL in \(ContinuousClock.now - started)")
                try await target.close()
                try await source.close()
            } catch {
                try? await target.close()
                try? await source.close()
                throw CLIError("\(error)")
            }
        }
    }
}
