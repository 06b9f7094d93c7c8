import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

/// `json`: the tape (what ingest parses) and the tree parser (what error messages and the CLI use)
/// must accept the same documents and read them the same; an accepted document must survive
/// `JSONWriter` and a second parse unchanged.
enum JSONFuzz {
    static func run(_ bytes: [UInt8]) {
        let tree = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
        let tape = Result { () throws(JSONParseError) in try JSONTape(parsing: bytes) }
        switch (tree, tape) {
        case (.success(let value), .success(let tape)):
            invariant(tape.json == value, "the tape and the parser read the document differently")
            let written = JSONWriter.compact.bytes(value)
            let again = try? JSONParser.parse(written)
            invariant(again == value, "JSONWriter output does not parse back to the same value")
        case (.failure(let a), .failure(let b)):
            invariant(a == b, "the tape and the parser reject with different errors: \(a) / \(b)")
        case (.success, .failure(let error)):
            invariant(false, "the parser accepts what the tape rejects: \(error)")
        case (.failure(let error), .success):
            invariant(false, "the tape accepts what the parser rejects: \(error)")
        }
    }
}
