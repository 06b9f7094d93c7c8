import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

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

@Suite struct DurationTests {
    @Test func totalStartsAtTheFirstKnownMomentWhenThereIsNoStartTime() {
        var record = CallRecord(callKey: "k", vendorCallId: "v", status: .ended)
        record.queuedAt = Timestamp(seconds: 100)
        record.ringingAt = Timestamp(seconds: 130)
        record.answeredAt = Timestamp(seconds: 140)
        record.endedAt = Timestamp(seconds: 200)
        record.recomputeDurations()
        #expect(record.durations.total == 100)
        #expect(record.durations.queue == 40)
        #expect(record.durations.ring == 10)
        #expect(record.durations.talk == 60)
    }

    @Test func negativeDurationsBecomeNull() {
        var record = CallRecord(callKey: "k", vendorCallId: "v", status: .ended)
        record.startedAt = Timestamp(seconds: 200)
        record.endedAt = Timestamp(seconds: 100)
        record.durations.ivr = -3
        record.recomputeDurations()
        #expect(record.durations.total == nil)
        #expect(record.durations.ivr == nil)
    }
}
