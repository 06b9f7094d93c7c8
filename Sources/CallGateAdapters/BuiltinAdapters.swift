import BiztelAdapter
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import GenericPBXAdapter
import MiiTelAdapter
import TwilioAdapter
import UdeskAdapter

/// The adapters compiled into `callgate`. Adding a vendor module adds one line here (and its name
/// to `adapters` in Package.swift); `swift package scaffold-adapter` does both.
public enum BuiltinAdapters {
    public static let all: [any VendorAdapter] = [
        MiiTelAdapter(),
        UdeskAdapter(),
        BiztelAdapter(),
        GenericPBXAdapter(),
        TwilioAdapter(),
        GenericAdapter(),
    ]
}
