import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Testing

/// Issue 14: hostile structure is found in one pass (duplicate names with a hash table, members and
/// fields capped), and the error is phrased from where that pass stopped.
@Suite struct LinearInputTests {
    static func object(_ names: [String]) -> [UInt8] {
        Array(("{" + names.map { "\"\($0)\":0" }.joined(separator: ",") + "}").utf8)
    }

    @Test func aDuplicateAfterManyDistinctNamesIsFoundWhereItIs() throws {
        var names = (0..<5000).map { "k\($0)" }
        names.append("k1234")
        let body = Self.object(names)
        let error = #expect(throws: JSONParseError.self) { try JSONTape(parsing: body) }
        #expect(error?.message == #"duplicate member name "k1234""#)
        // The column of the repeated name's opening quote.
        let column = body.count - #""k1234":0}"#.utf8.count + 1
        #expect(error?.line == 1 && error?.column == column)
        // JSONParser is the same grammar: the same error.
        #expect(throws: error!) { try JSONParser.parse(body) }
    }

    @Test func namesAreComparedDecodedInLargeObjects() throws {
        // "k7" written with an escape repeats "k7" past the linear-scan threshold.
        var names = (0..<40).map { "k\($0)" }
        names.append(#"k\u0037"#)
        #expect(throws: JSONParseError.self) { try JSONTape(parsing: Self.object(names)) }
        // Distinct names in nested objects of the same size are fine, and the same name in two
        // different objects is no duplicate.
        let inner = String(decoding: Self.object((0..<40).map { "k\($0)" }), as: UTF8.self)
        let doc = Array(#"{"a":\#(inner),"b":\#(inner),"k1":[\#(inner)]}"#.utf8)
        let value = try JSONParser.parse(doc)
        #expect(value["a"]?.objectValue?.count == 40)
        #expect(value["b"] == value["a"])
    }

    @Test func membersPerObjectAreCapped() throws {
        let limits = InputLimits(maxObjectMembers: 3, maxFormFields: 3)
        _ = try JSONTape(parsing: Self.object(["a", "b", "c"]), limits: limits)
        let error = #expect(throws: JSONParseError.self) {
            try JSONTape(parsing: Self.object(["a", "b", "c", "d"]), limits: limits)
        }
        #expect(error?.message == "an object has more than 3 members (limit: max_object_members)")
        #expect(error?.column == 20)
        // The default cap for vendors' requests, through the request a source reads.
        let big = InboundRequest(contentType: "application/json", body: Self.object((0..<1001).map { "k\($0)" }))
        let refused = #expect(throws: GatewayError.self) { try big.jsonObjectTape() }
        #expect(refused?.code == "malformed_body")
        #expect(refused?.message.contains("more than 1000 members (limit: max_object_members)") == true)
    }

    @Test func invalidUTF8IsReportedAtItsString() throws {
        let body: [UInt8] = Array(#"{"a":"ok","b":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let error = #expect(throws: JSONParseError.self) { try JSONTape(parsing: body) }
        #expect(error?.message == "invalid UTF-8 in a string")
        #expect(error?.column == 16)
        let escaped: [UInt8] = Array(#"{"a":"\n"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSONTape(parsing: escaped) }
    }

    @Test func formFieldsAreCappedAndRepeatedNamesKeepTheirLastValue() throws {
        let text = (0..<20_000).map { "f\($0)=\($0)" }.joined(separator: "&") + "&f3=last"
        let pairs = try FormURLEncoding.decode(text)
        let object = FormURLEncoding.object(pairs)
        #expect(object.count == 20_000)
        #expect(object["f3"] == "last")
        #expect(object.keys.prefix(4) == ["f0", "f1", "f2", "f3"])
        let error = #expect(throws: GatewayError.self) { try FormURLEncoding.decode("a=1&b=2&c=3", maxFields: 2) }
        #expect(error?.message == "more than 2 fields in form or query data (limit: max_form_fields)")
        let request = InboundRequest(
            contentType: "application/x-www-form-urlencoded", body: Array(text.utf8),
            limits: InputLimits(maxObjectMembers: 10, maxFormFields: 10))
        #expect(throws: GatewayError.self) { try request.formFields() }
    }

    @Test func mergeSetsInOrderWithLastValueWinning() {
        var object = JSONObject([("a", 1), ("b", 2)])
        object.merge([("b", 3), ("c", 4), ("c", 5)])
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["b"] == 3 && object["c"] == 5)
    }
}
