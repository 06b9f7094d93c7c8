import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Generic PBX (`adapter: pbx`): the MiiTel incoming-webhook `call_data` format (an array of calls
/// with `event_type`, times, participants and tags) that PBXs already emit.
public struct GenericPBXAdapter: VendorAdapter {
    public let name = "pbx"
    public let defaultRegion = "JP"

    public init() {}
}
