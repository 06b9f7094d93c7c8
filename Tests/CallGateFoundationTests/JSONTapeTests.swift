import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// The tape parser must read every document exactly as the tree parser does (rejections are
/// compared in `JSONParserTests`, whose `failure` helper runs both).
@Suite struct JSONTapeTests {
    /// Every JSON body among the vendor fixtures, valid or not.
    static let documents: [String] = {
        var out: [String] = []
        let root = PackageRoot.fixture("")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        for file in files.sorted()
        where (file.hasSuffix(".json") || file.hasSuffix(".txt")) && !file.hasPrefix("jsonpath-cts")
            && !file.hasPrefix("phone")
        {
            out.append(file)
        }
        return out
    }()

    @Test(arguments: documents) func readsEveryFixtureAsTheTreeParserDoes(_ file: String) throws {
        let bytes = Array(try Data(contentsOf: PackageRoot.fixture(file)))
        var treeError: JSONParseError?
        var tree: JSONValue?
        do { tree = try JSONParser.parse(bytes) } catch { treeError = error }
        var tapeError: JSONParseError?
        var tape: JSONTape?
        do { tape = try JSONTape(parsing: bytes) } catch { tapeError = error }
        #expect(treeError == tapeError)
        if let tree, let tape { #expect(tape.json == tree) }
    }

    @Test func keepsKindsEscapesAndOrder() throws {
        let text = #"{"b":1,"a":[true,false,null,-0.5,1e3,"x\u00e9\ud83d\ude00\n",9007199254740993],"c":{},"\"q\"":""}"#
        let tape = try JSONTape(parsing: Array(text.utf8))
        #expect(tape.json == (try JSONParser.parse(text)))
        let a = try #require(tape.member(JSONTape.root, "a"))
        #expect(tape.children(a).count == 7)
        #expect(tape.value(try #require(tape.element(a, -2))) == "xé😀\n")
        #expect(tape.value(try #require(tape.element(a, 6))) == .int(9_007_199_254_740_993))
        #expect(tape.element(a, 7) == nil)
        // A member name written with escapes is found by its decoded text.
        #expect(tape.member(JSONTape.root, "\"q\"").map { tape.value($0) } == "")
        #expect(tape.member(JSONTape.root, "z") == nil)
        #expect(tape.member(a, "b") == nil)
    }

    @Test func skipsWholeSubtreesWhenLookingUpMembers() throws {
        let text = #"{"deep":{"x":[[1,{"y":2}],{"z":[3]}]},"after":"ok"}"#
        let tape = try JSONTape(parsing: Array(text.utf8))
        let after = try #require(tape.member(JSONTape.root, "after"))
        #expect(tape.value(after) == "ok")
        #expect(tape.object(JSONTape.root, without: ["deep"]).map(JSONValue.object) == ["after": "ok"])
    }
}
