import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Testing

/// Configuration and mapping files are bounded: by size, and by the nodes their aliases expand to.
@Suite struct YAMLLimitsTests {
    @Test func anAliasBombIsRefused() {
        // Nine levels of ten aliases each: a billion leaves once expanded.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let error = #expect(throws: LocatedError.self) { try YAMLDocument(text: text, file: "bomb.yaml") }
        #expect(error?.message == "the document expands (through its aliases) to more than 1000000 nodes")
        #expect(error?.file == "bomb.yaml")
    }

    @Test func aFewAliasesAreFine() throws {
        _ = try YAMLDocument(text: "base: &b { x: 1 }\none: *b\ntwo: *b\n", file: "ok.yaml")
    }

    @Test func anOversizedFileIsRefused() {
        let text = "k: " + String(repeating: "x", count: YAMLDocument.maximumBytes)
        let error = #expect(throws: LocatedError.self) { try YAMLDocument(text: text, file: "big.yaml") }
        #expect(error?.message.contains("larger than 1048576 bytes") == true)
    }
}
