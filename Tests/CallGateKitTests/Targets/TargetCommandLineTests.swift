import CallGateFoundation
import CallGateTestSupport
import Foundation
import Testing

/// `callgate check` and `callgate map --sink` on the README's "from BIZTEL into MiiTel" example.
@Suite struct TargetCommandLineTests {
    static let example = "Docs/examples/biztel-to-miitel.yaml"
    let cli = CommandLineTests()

    @Test func checkNamesEachSinksTransform() throws {
        let run = try cli.callgate(["check", "--config", Self.example])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout.contains(
                "sink miitel-analytics: http http://127.0.0.1:9999/miitel/webhook, transform miitel_incoming (one record per call), recording upload, order per_call"
            ), "\(run.stdout)")
        #expect(run.stdout.contains("transform hubspot_calls (one record per call), order per_call"))
    }

    @Test func mapShowsTheRequestASinkWouldGet() throws {
        let run = try cli.callgate([
            "map", "--config", Self.example, "--source", "biztel", "--sink", "hubspot",
            "--received-at", "2026-01-01T00:00:00Z", "--query", "event=着信&id=9&tel=0312345678",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let entries = try JSONParser.parse(Array(run.stdout.utf8)).arrayValue ?? []
        try #require(entries.count == 1)
        let request = try #require(entries[0]["request"])
        #expect(entries[0]["transform"] == "hubspot_calls")
        #expect(request["method"] == "POST")
        #expect(request["url"] == "http://127.0.0.1:9999/crm/v3/objects/calls")
        #expect(request["body"]?["properties"]?["hs_timestamp"] == "2026-01-01T00:00:00Z")
        #expect(request["body"]?["properties"]?["hs_call_status"] == "RINGING")
        // The token is a secret: its kind is shown, never its value.
        #expect(request["authentication"] == ["bearer"])
        #expect(!run.stdout.contains("stand-in-token"))
    }

    @Test func mapSaysWhyADeliveryWouldBeDead() throws {
        // 切断 alone: MiiTel needs the start time the call's 着信 would have given.
        let run = try cli.callgate([
            "map", "--config", Self.example, "--source", "biztel", "--sink", "miitel-analytics", "--query",
            "event=切断&id=9&agent=201",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let entry = try #require(try JSONParser.parse(Array(run.stdout.utf8)).arrayValue?.first)
        #expect(entry["error"] == "create.body.call_data[0].call_starts_at: the call has no start time")
        #expect(entry["outcome"]?.stringValue?.hasPrefix("dead") == true)
    }

    @Test func mapRefusesAnUnknownSinkAndSaysWhenNothingIsRouted() throws {
        let unknown = try cli.callgate([
            "map", "--config", Self.example, "--source", "biztel", "--sink", "nope", "--query", "event=着信&id=9",
        ])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.contains("no sink 'nope' is configured (configured: miitel-analytics, hubspot, archive)"))
        let none = try cli.callgate([
            "map", "--config", Self.example, "--source", "biztel", "--sink", "miitel-analytics", "--query",
            "event=着信&id=9&tel=0312345678",
        ])
        #expect(none.status == 0)
        #expect(none.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        #expect(none.stderr.contains("none of the 1 events is routed to sink 'miitel-analytics'"))
    }
}
