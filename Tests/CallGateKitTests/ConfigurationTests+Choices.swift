import CallGateConfig
import CallGateFoundation
import CallGatePipeline
import Testing

/// A sink's `type:` and `format:` and `hmac.encoding:` become enumerations when the configuration
/// is loaded; any other value is a located error listing the choices.
extension ConfigurationTests {
    @Test func choicesAreDecodedIntoTheirTypes() throws {
        let config = try decode(
            """
            sources:
              - id: a
                adapter: generic
                auth: { hmac: { secret: s, encoding: base64 } }
              - { id: b, adapter: generic, auth: { hmac: { secret: s } } }
            sinks:
              - { id: f, type: file, path: x }
              - id: h
                type: http
                url: https://example.com/
                format: cloudevents
                auth: { hmac: { secret: s, encoding: base64 } }
              - { id: d, type: http, url: https://example.com/, auth: { hmac: { secret: s } } }
            """)
        #expect(config.sinks.map(\.type) == [.file, .http, .http])
        #expect(config.sinks.map(\.format) == [.canonical, .cloudevents, .canonical])
        #expect(config.sinks.map { $0.auth?.hmac?.encoding } == [nil, .base64, .hex])
        #expect(config.sources.map { $0.auth?.hmac?.encoding } == [.base64, .hex])
    }

    @Test func valuesOutsideTheChoicesAreLocatedErrors() {
        let sink = "sources: []\nsinks:\n  - id: s\n"
        let cases: [(yaml: String, line: Int, message: String)] = [
            (sink + "    type: ftp\n", 4, "sink type must be one of http, file, got 'ftp'"),
            (
                sink + "    type: file\n    path: x\n    format: xml\n", 6,
                "format must be one of canonical, cloudevents, got 'xml'"
            ),
            (
                sink + "    type: http\n    url: https://example.com/\n    auth:\n"
                    + "      hmac: { secret: s, encoding: b32 }\n", 7,
                "hmac.encoding must be one of hex, base64, got 'b32'"
            ),
            (
                "sources:\n  - id: a\n    adapter: generic\n    auth:\n      hmac: { secret: s, encoding: HEX }\n", 5,
                "hmac.encoding must be one of hex, base64, got 'HEX'"
            ),
        ]
        for (yaml, line, message) in cases {
            let error = failure(yaml)
            #expect(error?.message == message, "\(yaml)")
            #expect(error?.line == line, "\(yaml)")
        }
    }
}
