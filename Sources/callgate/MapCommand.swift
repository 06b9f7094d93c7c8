import ArgumentParser
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Dry-run a payload through a source's mapping and print the events as a JSON array.",
        discussion: """
            Nothing is stored or delivered. Exits 1 with a message on stderr for bad input. With --sink, \
            prints what that sink would be sent for each event routed to it instead (its transform's \
            request, or why the delivery would be dead at once).
            """
    )

    @OptionGroup var options: ConfigOption

    @Option(name: .long, help: "The configured source id that would receive the payload.")
    var source: String

    @Option(name: .long, help: "Query string the vendor would send, e.g. 'event=着信&id=1'.")
    var query: String?

    @Option(name: .long, help: "Content type of the body (guessed from the body when omitted).")
    var contentType: String?

    @Option(name: .long, help: "Receipt time to use (RFC 3339); defaults to now.")
    var receivedAt: String?

    @Option(name: .long, help: "Print the requests this configured sink would get instead of the events.")
    var sink: String?

    @Argument(help: "The payload file, or - for standard input (empty when nothing is piped in).")
    var file: String = "-"

    func run() throws { try CLIError.report(map) }

    func map() throws {
        let normalizer = try options.load()
        let pipeline = try options.pipeline(source, in: normalizer)
        if let sink, !normalizer.config.sinks.contains(where: { $0.id == sink }) {
            let known = normalizer.config.sinks.map(\.id).joined(separator: ", ")
            throw CLIError("--sink: no sink '\(sink)' is configured (configured: \(known))")
        }
        let body = try CLIInput.read(file)
        var receipt = Timestamp.now
        if let receivedAt {
            guard let t = Timestamp(rfc3339: receivedAt) else {
                throw CLIError("--received-at: '\(receivedAt)' is not an RFC 3339 time")
            }
            receipt = t
        }
        let label = file == "-" ? "<stdin>" : file
        do throws(SourcePipeline.NormalizeError) {
            // What the server runs on a request after authenticating it, with the server's limits.
            let request = MapRequest.raw(
                body: body, query: query, contentType: contentType, limits: normalizer.config.server.input)
            switch try pipeline.normalize(request, receivedAt: receipt).outcome {
            case .handshake(let response):
                CLIOutput.error(
                    "\(label): handshake — the gateway answers \(response.status) \(response.contentType) with "
                        + "\"\(String(decoding: response.body, as: UTF8.self))\"; nothing is stored")
                CLIOutput.write("[]\n")
            case .events(let events):
                guard let sink else {
                    CLIOutput.write(JSONWriter.pretty.string(.array(events.map(\.json))) + "\n")
                    return
                }
                let entries = OutboundPreview.entries(for: events, sinks: normalizer.config.sinks, only: sink)
                if entries.isEmpty {
                    CLIOutput.error("\(label): none of the \(events.count) events is routed to sink '\(sink)'")
                }
                CLIOutput.write(JSONWriter.pretty.string(.array(entries)) + "\n")
            }
        } catch {
            throw CLIError("\(label): \(error.message)", code: error.code)
        }
    }
}

/// A command-line failure: printed as `callgate: error: …` and exit status 1.
struct CLIError: Error, CustomStringConvertible {
    /// Runs `body`, printing a `CLIError` as `callgate: error: <message>` and exiting with 1.
    static func report(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CLIError {
            CLIOutput.error("callgate: error: \(error.message)")
            throw ExitCode(1)
        }
    }

    var message: String
    var code: String?
    init(_ message: String, code: String? = nil) {
        self.message = message
        self.code = code
    }
    var description: String { message }
}

enum CLIInput {
    static func read(_ file: String) throws -> [UInt8] {
        if file == "-" {
            // Nothing piped in (a terminal): an empty body, as for a BIZTEL action sent with GET and
            // only a query, rather than waiting for input the user never meant to type.
            if isatty(STDIN_FILENO) == 1 { return [] }
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot read \(file)") }
        defer { try? handle.close() }
        return Array(handle.readDataToEndOfFile())
    }
}

enum CLIOutput {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
