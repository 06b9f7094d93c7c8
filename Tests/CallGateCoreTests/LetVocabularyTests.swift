import Testing

@testable import CallGateCore

/// Enum targets written in a `let` are checked at load time when a vocabulary field uses the
/// variable directly (the shipped MiiTel and Udesk mappings keep their tables in `let`).
@Suite struct LetVocabularyTests {
    static func compile(_ letValue: String, field: String = "direction: $dir") throws(LocatedError) -> CompiledMapping {
        let yaml = """
            vendor: t
            let:
              dir:
            \(letValue)
            events: [{ type: call.completed }]
            time: null
            time_fallback: receipt
            call:
              vendor_call_id: x
              leg_kind: normal
              status: ended
              \(field)
            """
        return try CompiledMapping(yaml: yaml, file: "t.yaml")
    }

    @Test func aMapTargetInALetIsCheckedWhereTheFieldUsesIt() throws {
        let typo = "    map: $.t\n    values: { IN: inbound, OUT: outbund }\n    default: unknown"
        #expect(
            throws: LocatedError(
                file: "t.yaml", line: 5, column: 33,
                message: "'outbund' is not a direction (one of inbound, outbound, internal, unknown)")
        ) {
            try Self.compile(typo)
        }
        let badDefault = "    map: $.t\n    values: { IN: inbound }\n    default: sideways"
        #expect(throws: LocatedError.self) { try Self.compile(badDefault) }
        let badBranch = "    if: { exists: $.t }\n    then: inbound\n    else: nowhere"
        #expect(throws: LocatedError.self) { try Self.compile(badBranch) }
    }

    @Test func correctTablesAndNonVocabularyUsesLoad() throws {
        _ = try Self.compile("    map: $.t\n    values: { IN: inbound, OUT: outbound }\n    default: unknown")
        // The same literals are fine where the variable feeds a free-text field.
        _ = try Self.compile("    map: $.t\n    values: { IN: whatever }", field: "direction: inbound\n  dtmf: $dir")
        // A path into the variable is not a bare use: it is checked when the payload arrives.
        _ = try Self.compile("    literal: { d: sideways }", field: "direction: $dir.d")
    }
}
