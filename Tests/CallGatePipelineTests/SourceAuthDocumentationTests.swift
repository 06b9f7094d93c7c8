import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateAuth
@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Every YAML example in `Docs/authentication.md` decodes and yields a working authenticator, so
/// the page cannot drift from the configuration keys.
@Suite struct SourceAuthDocumentationTests {
    static let exampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    static func yamlBlocks() throws -> [String] {
        let text = try String(contentsOf: PackageRoot.path("Docs/authentication.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The variables a block uses, all set to a value every method accepts (a valid `whsec_` key).
    static func environment(_ yaml: String) -> [String: String] {
        var environment: [String: String] = [:]
        for piece in yaml.components(separatedBy: "${").dropFirst() {
            environment[String(piece.prefix { $0 != "}" })] = exampleSecret
        }
        return environment
    }

    @Test func everyExampleConfiguresASource() throws {
        let blocks = try Self.yamlBlocks()
        #expect(blocks.count >= 12)
        for block in blocks {
            var yaml = block
            if block.hasPrefix("auth:") {
                let indented = block.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
                yaml = "sources:\n  - id: s\n    adapter: generic\n" + indented
            } else if block.hasPrefix("server:") {
                yaml = block + "\nsources: [{ id: s, adapter: generic }]"
            }
            let config = try CallGateConfig(yaml: yaml, file: "authentication.md", environment: Self.environment(yaml))
            try #require(!config.sources.isEmpty, "\(block)")
            for source in config.sources {
                let authenticator = try SourceAuthenticator(
                    source.auth, trustedProxies: config.server.trustedProxies, adapter: SigningAdapter())
                #expect(authenticator.isOpen == (source.auth == nil), "\(block)")
            }
        }
    }
}

/// An adapter with a signature scheme of its own, for the `vendor_signature` example (the Twilio
/// adapter's real scheme is tested in TwilioAdapterTests).
struct SigningAdapter: VendorAdapter {
    let name = "signing"
    let defaultRegion = "US"

    func signatureVerifier(_ settings: CallGateConfig.VendorSignature) throws(MessageError) -> VendorSignatureVerifier?
    {
        VendorSignatureVerifier(
            expectation: "a signature", header: "X-Signature", algorithm: .sha256, encoding: .hex,
            keys: settings.secrets.map { Array($0.value.utf8) }
        ) { $0.body }
    }
}
