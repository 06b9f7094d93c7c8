import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateServer
import CallGateStore
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: receive vendor webhooks, store them durably, answer once committed."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let normalizer: Normalizer
        let store: any CallStore
        do {
            normalizer = try options.load()
            store = try await options.openStore(normalizer.config)
        } catch let error as CLIError {
            CLIOutput.error("callgate: error: \(error.message)")
            throw ExitCode(1)
        }
        let config = normalizer.config
        LogOutput.bootstrap(format: config.log.format, level: Logger.Level(rawValue: config.log.level) ?? .info)
        let logger = Logger(label: "callgate")
        let gateway: Gateway
        do {
            gateway = try Gateway(normalizer: normalizer, store: store, logger: logger)
        } catch {
            try? await store.close()
            CLIOutput.error("callgate: error: \(error.message)")
            throw ExitCode(1)
        }
        let options = self.options
        try await gateway.run(reload: { try options.load() }) { port in
            logger.info(
                "callgate listening",
                metadata: [
                    "address": "http://\(config.server.host):\(port)", "sources": "\(normalizer.pipelines.count)",
                ])
        }
    }
}

extension ConfigOption {
    /// The configured store, opened and migrated.
    func openStore(_ config: CallGateConfig) async throws -> any CallStore {
        switch config.store {
        case .sqlite(let path):
            // Resolved against the configuration file's directory when it was loaded.
            do {
                return try SQLiteStore(path: path)
            } catch {
                throw CLIError("\(error)")
            }
        case .postgres(let settings):
            do {
                return try await PostgresStore(
                    url: settings.url.value, lease: settings.lease, maximumConnections: settings.connections,
                    logger: Logger(label: "callgate.store"))
            } catch {
                throw CLIError("\(error)")
            }
        }
    }
}
