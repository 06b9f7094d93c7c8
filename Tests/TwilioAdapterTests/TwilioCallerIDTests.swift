import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Testing

@testable import TwilioAdapter

/// Twilio's keypad-spelled caller IDs (`+266696687` = ANONYMOUS) are withheld numbers, not numbers
/// of Lesotho, Russia, Uganda or China.
@Suite struct TwilioCallerIDTests {
    @Test func anAnonymousCallerIsWithheldNotALesothoNumber() throws {
        let event = try #require(try Golden.events("twilio", "inbound-anonymous-caller-completed").first)
        let from = try #require(event.call.from)
        #expect(from.raw == "+266696687")
        #expect(from.e164 == nil)
        #expect(from.region == nil)
        #expect(!from.valid)
        #expect(from.presentation == .restricted)
        #expect(event.call.customer?.phone == from, "the customer is the caller on inbound calls")
        #expect(event.call.to?.e164 == "+14155550100", "our own number is read as before")
    }

    @Test func aRestrictedCallerIsWithheld() throws {
        let event = try #require(try Golden.events("twilio", "inbound-restricted-caller-no-answer").first)
        #expect(event.call.from?.raw == "+7378742833")
        #expect(event.call.from?.e164 == nil)
        #expect(event.call.from?.presentation == .restricted)
    }

    @Test(arguments: [
        ("+266696687", PhonePresentation.restricted), ("+7378742833", .restricted), ("+2562533", .restricted),
        ("+8656696", .unavailable),
    ])
    func everyPlaceholderIsAWithheldNumber(raw: String, presentation: PhonePresentation) throws {
        let number = try #require(TwilioCallerID.placeholder(raw))
        #expect(
            number
                == PhoneNumber(
                    raw: raw, e164: nil, region: nil, valid: false, extension: nil, presentation: presentation))
        // Without the adapter these would be numbers of another country.
        #expect(PhoneNormalizer.normalize(raw, defaultRegion: "US").presentation == .allowed)
    }

    @Test(arguments: ["+12125550123", "+2666966870", "266696687", "+26669668", "Anonymous", ""])
    func otherValuesPassThroughUnchanged(raw: String) throws {
        #expect(TwilioCallerID.placeholder(raw) == nil)
        let value = try TwilioCallerID.function.body([.string(raw)], FunctionContext.twilio)
        #expect(value == .string(raw))
    }

    @Test func theWordsAreMarkersOfTheNormalizer() {
        for (word, presentation) in [
            ("Anonymous", PhonePresentation.restricted), ("Restricted", .restricted), ("Unknown", .unavailable),
        ] {
            #expect(PhoneNormalizer.normalize(word, defaultRegion: "US").presentation == presentation, "\(word)")
        }
    }
}

extension FunctionContext {
    static var twilio: FunctionContext {
        FunctionContext(
            source: SourceSettings(id: "twilio", adapter: "twilio", region: "US"), receivedAt: Timestamp(seconds: 0))
    }
}
