import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the live SQLite store to FILE while the gateway keeps running.",
        discussion: """
            Uses SQLite's online backup API: the copy is one consistent snapshot (the write-ahead log
            included), taken while `callgate serve` goes on committing. It is written next to FILE
            and renamed into place, so FILE never holds a partial copy. Restore by stopping the
            gateway and putting the copy at the `store.sqlite` path. Never copy a live store with
            `cp`: the write-ahead log beside it would be left behind.
            """
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "Where to write the copy (replaced if it exists).") var file: String

    func run() async throws {
        try await reportAsync {
            try await withStore(options) { _, store in
                guard let sqlite = store as? SQLiteStore else {
                    throw CLIError("callgate backup copies an SQLite store; back up PostgreSQL with pg_dump")
                }
                if URL(fileURLWithPath: file).standardizedFileURL
                    == URL(fileURLWithPath: sqlite.path).standardizedFileURL
                {
                    throw CLIError("the backup cannot overwrite the store itself")
                }
                let started = ContinuousClock.now
                do {
                    try sqlite.backup(to: file)
                } catch {
                    throw CLIError("\(error)")
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                let elapsed = ContinuousClock.now - started
                CLIOutput.error("backed up \(sqlite.path) to \(file): \(size) bytes in \(elapsed)")
            }
        }
    }
}
