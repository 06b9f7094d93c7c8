import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Runs the public RFC 9535 compliance suite (Tests/Fixtures/jsonpath-cts, see its README).
@Suite struct JSONPathComplianceTests {
    struct Case: CustomTestStringConvertible {
        var name: String
        var selector: String
        var document: JSONValue?
        var results: [[JSONValue]]
        var invalid: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let data = try! Data(contentsOf: PackageRoot.fixture("jsonpath-cts/cts.json"))
        let suite = try! JSONParser.parse([UInt8](data))
        return suite["tests"]!.arrayValue!.map { test in
            var results: [[JSONValue]] = []
            if let one = test["result"]?.arrayValue { results.append(one) }
            for alternative in test["results"]?.arrayValue ?? [] { results.append(alternative.arrayValue!) }
            return Case(
                name: test["name"]!.stringValue!, selector: test["selector"]!.stringValue!,
                document: test["document"], results: results, invalid: test["invalid_selector"] == .bool(true))
        }
    }()

    /// Features outside the supported subset, by how RFC 9535 spells them.
    static func usesUnsupportedFeature(_ selector: String) -> Bool {
        selector.contains("..") || selector.contains(":") || selector.contains(",") || selector.contains("(")
    }

    @Test func suiteIsLoadedWhole() {
        #expect(Self.cases.count == 703)
    }

    @Test(arguments: cases)
    func complianceCase(_ test: Case) throws {
        let path: JSONPath
        do {
            path = try JSONPath(test.selector)
        } catch {
            if test.invalid { return }
            // A valid selector may be refused only as "not supported", and only for a feature
            // outside the subset, never as a syntax error.
            #expect(error.notSupported, "valid selector rejected: \(error)")
            #expect(Self.usesUnsupportedFeature(test.selector), "refused a supported feature: \(error)")
            return
        }
        #expect(!test.invalid, "accepted an invalid selector")
        guard !test.invalid, let document = test.document else { return }
        let selected = path.select(from: document, document: document)
        let matches = test.results.contains { expected in
            expected.count == selected.count
                && zip(expected, selected).allSatisfy { JSONValue.semanticallyEqual($0, $1) }
        }
        #expect(matches, "selected \(JSONWriter.compact.string(.array(selected)))")
    }

    @Test func subsetCoversMostOfTheSuite() throws {
        var supported = 0
        for test in Self.cases where !test.invalid {
            if (try? JSONPath(test.selector)) != nil { supported += 1 }
        }
        // The valid cases outside the subset are those using slices, unions, descendants and functions.
        #expect(supported >= 250)
        print("JSONPath CTS: \(supported) valid selectors evaluated")
    }

    @Test func unsupportedFeaturesSayNotSupported() {
        for selector in ["$..a", "$[1:2]", "$[0,1]", "$[?length(@) > 1]", "$[?match(@.a, 'x')]"] {
            do {
                _ = try JSONPath(selector)
                Issue.record("\(selector) was accepted")
            } catch {
                #expect(error.notSupported, "\(selector): \(error)")
            }
        }
    }

    @Test func pathologicalNestingIsRejectedNotACrash() {
        let deep = "$[?" + String(repeating: "(", count: 10_000) + "@.a" + String(repeating: ")", count: 10_000) + "]"
        #expect(throws: JSONPathError.self) { try JSONPath(deep) }
        let filters = String(repeating: "$[?@[?", count: 5_000)
        #expect(throws: JSONPathError.self) { try JSONPath(filters) }
    }

    @Test func variablesOnlyInMappingMode() throws {
        #expect(throws: JSONPathError.self) { try JSONPath("$leg.id") }
        let path = try JSONPath("$leg.id", allowVariables: true)
        #expect(path.root == .variable("leg"))
        #expect(throws: JSONPathError.self) { try JSONPath("@.a") }
        #expect(try JSONPath("@.a", allowVariables: true).root == .current)
    }
}
