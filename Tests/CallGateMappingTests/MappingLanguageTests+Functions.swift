import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// The escape hatch: named functions an adapter module registers (`VendorAdapter.functions`).
@Suite struct MappingLanguageFunctionTests {
    typealias ML = MappingLanguage

    /// Reverses a string; null stays null.
    static let reverse = MappingFunction(name: "test.reverse", arity: 1...1, summary: "reverses text") {
        args, _ throws(MessageError) in
        switch args[0] {
        case .null: return .null
        case .string(let s): return .string(String(s.reversed()))
        default: throw MessageError("expected text, got \(args[0].kindName)")
        }
    }

    /// What the function context carries: the source settings and the receipt time.
    static let context = MappingFunction(name: "test.context", arity: 0...1, summary: "source id and receipt") {
        args, context throws(MessageError) in
        let suffix = args.first?.stringValue.map { "/" + $0 } ?? ""
        return .string("\(context.source.id)@\(context.receivedAt)\(suffix)")
    }

    static let functions = [reverse, context]

    func run(_ call: String, _ payload: String) throws -> CallEvent {
        let produced = try ML.events(ML.mapping(call), payload, functions: Self.functions)
        return try #require(produced.first)
    }

    @Test func aRegisteredFunctionIsCalledWithItsArguments() throws {
        let event = try run("summary: { fn: test.reverse, args: [$.s] }", #"{"s": "abc"}"#)
        #expect(event.call.summary == "cba")
        let missing = try run("summary: { fn: test.reverse, args: [$.s] }", #"{}"#)
        #expect(missing.call.summary == nil)
    }

    @Test func aFunctionSeesTheSourceAndTheReceiptTime() throws {
        let none = try run("summary: { fn: test.context }", #"{}"#)
        #expect(none.call.summary == "test@2026-01-01T00:00:00Z")
        let one = try run("summary: { fn: test.context, args: [\"{{ $.a }}-x\"] }", #"{"a": "A"}"#)
        #expect(one.call.summary == "test@2026-01-01T00:00:00Z/A-x")
    }

    @Test func aFunctionErrorNamesTheFunctionAndTheField() throws {
        let compiled = try ML.compile(
            ML.mapping("vendor_meta: { r: { fn: test.reverse, args: [$.s] } }"), functions: Self.functions)
        let error = #expect(throws: MappingError.self) {
            _ = try compiled.events(from: try ML.json(#"{"s": 5}"#), source: ML.source, receivedAt: ML.receivedAt)
        }
        #expect(error?.field == "call.vendor_meta.r")
        #expect(error?.message == "test.reverse: expected text, got number")
    }

    @Test func anUnknownFunctionIsALoadError() throws {
        let error = try ML.loadError(ML.mapping("summary: { fn: test.nope, args: [$.s] }"), functions: Self.functions)
        #expect(error.message.contains("unknown function 'test.nope'"))
        #expect(error.message.contains("test.context, test.reverse"))
        #expect((error.line, error.column) == (13, 18))
        let none = try ML.loadError(ML.mapping("summary: { fn: udesk.record_expires_at, args: [$.s] }"))
        #expect(none.message.contains("(this adapter provides: none)"))
    }

    @Test func theWrongNumberOfArgumentsIsALoadError() throws {
        let error = try ML.loadError(
            ML.mapping("summary: { fn: test.reverse, args: [$.a, $.b] }"), functions: Self.functions)
        #expect(error.message.contains("'test.reverse' takes 1…1 arguments, got 2"))
        #expect(error.line == 13)
        let noArgs = try ML.loadError(ML.mapping("summary: { fn: test.reverse }"), functions: Self.functions)
        #expect(noArgs.message.contains("got 0"))
    }

    @Test func anAdapterModuleRegistersItsFunctions() throws {
        var source = ML.source
        source.recordingURL = "https://rec.acme.example/{ID}.mp3"
        let yaml = ML.mapping("recording: { url: { fn: acme.signed_url, args: [$.path] } }")
        let mapping = try ML.compile(yaml, functions: AcmeAdapter().functions)
        let events = try mapping.events(
            from: try ML.json(#"{"path": "2024/c-1"}"#), source: source, receivedAt: ML.receivedAt)
        #expect(events.first?.call.recording?.url == "https://rec.acme.example/2024/c-1.mp3")
        let error = #expect(throws: MappingError.self) {
            _ = try mapping.events(from: try ML.json(#"{"path": "x"}"#), source: ML.source, receivedAt: ML.receivedAt)
        }
        #expect(error?.description == "call.recording.url: acme.signed_url: the source sets no recording_url")
    }
}

/// The adapter of `Docs/mapping-language.md` ("Registering a function"), verbatim.
struct AcmeAdapter: VendorAdapter {
    public let name = "acme"
    public let defaultRegion = "JP"
    public init() {}

    public var functions: [MappingFunction] { [Self.signedURL] }

    /// `acme.signed_url(path)`: the source's recording_url with {ID} replaced by the path.
    static let signedURL = MappingFunction(
        name: "acme.signed_url", arity: 1...1, summary: "recording URL for a path"
    ) { args, context throws(MessageError) in
        guard case .string(let path) = args[0], !path.isEmpty else { return .null }
        guard let template = context.source.recordingURL else { throw MessageError("the source sets no recording_url") }
        return .string(template.replacingOccurrences(of: "{ID}", with: path))
    }
}
