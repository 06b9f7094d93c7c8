/// An IPv4 or IPv6 address, parsed without Foundation networking.
///
/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4
/// client) are the IPv4 address, so they match IPv4 allow-list entries.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    enum Value: Sendable, Hashable {
        case v4(UInt32)
        /// The 128 bits as two halves, most significant first.
        case v6(UInt64, UInt64)
    }

    let value: Value

    init(_ value: Value) { self.value = value }

    /// Parses dotted-quad IPv4 (`192.0.2.1`, no leading zeros) or RFC 4291 IPv6 text (`2001:db8::1`,
    /// `::ffff:192.0.2.1`). A zone (`fe80::1%eth0`), brackets or a port make it invalid.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        if let v4 = Self.parseIPv4(bytes[...]) {
            value = .v4(v4)
        } else if case let (high, low)? = Self.parseIPv6(bytes[...]) {
            value = Self.isMapped(high, low) ? .v4(UInt32(truncatingIfNeeded: low)) : .v6(high, low)
        } else {
            return nil
        }
    }

    /// Whether this is an IPv4 address (including one written IPv4-mapped).
    public var isIPv4: Bool {
        if case .v4 = value { return true }
        return false
    }

    /// Dotted-quad for IPv4, RFC 5952 text for IPv6 (`2001:db8::1`).
    public var description: String {
        switch value {
        case .v4(let a): return Self.ipv4Text(a)
        case .v6(let high, let low):
            let groups = (0..<8).map { i in UInt16(truncatingIfNeeded: (i < 4 ? high : low) >> (48 - 16 * (i % 4))) }
            return Self.ipv6Text(groups)
        }
    }

    static func isMapped(_ high: UInt64, _ low: UInt64) -> Bool {
        high == 0 && low >> 32 == 0xFFFF
    }

    static func ipv4Text(_ a: UInt32) -> String {
        "\(a >> 24).\(a >> 16 & 255).\(a >> 8 & 255).\(a & 255)"
    }

    /// RFC 5952: lowercase, no leading zeros, the longest run (two groups or more, the first when
    /// tied) of zero groups as `::`.
    static func ipv6Text(_ groups: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 1
        var i = 0
        while i < groups.count {
            guard groups[i] == 0 else {
                i += 1
                continue
            }
            var j = i
            while j < groups.count, groups[j] == 0 { j += 1 }
            if j - i > bestLength { (bestStart, bestLength) = (i, j - i) }
            i = j
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// Four decimal parts 0…255 without leading zeros (`010` could mean octal elsewhere).
    static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var address: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { return nil }
            let n = part.reduce(UInt32(0)) { $0 * 10 + UInt32($1 - 0x30) }
            guard n <= 255 else { return nil }
            address = address << 8 | n
        }
        return address
    }

    /// RFC 4291 §2.2 text: eight groups of 1–4 hex digits, one `::` for a run of zero groups, and an
    /// optional dotted-quad in place of the last two groups.
    static func parseIPv6(_ bytes: ArraySlice<UInt8>) -> (UInt64, UInt64)? {
        var head = bytes
        var tail: ArraySlice<UInt8>? = nil
        if let gap = doubleColon(in: bytes) {
            head = bytes[bytes.startIndex..<gap]
            tail = bytes[(gap + 2)...]
            if doubleColon(in: tail!) != nil { return nil }
        }
        guard let first = groups(head, dottedQuadAllowed: tail == nil) else { return nil }
        var all = first
        if let tail {
            guard let last = groups(tail, dottedQuadAllowed: true), first.count + last.count <= 7 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - first.count - last.count) + last
        }
        guard all.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (i, g) in all.enumerated() {
            if i < 4 { high = high << 16 | UInt64(g) } else { low = low << 16 | UInt64(g) }
        }
        return (high, low)
    }

    static func doubleColon(in bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: ":") { return i }
            i += 1
        }
        return nil
    }

    /// The groups of one side of `::` (or of the whole address); empty text is no groups.
    static func groups(_ bytes: ArraySlice<UInt8>, dottedQuadAllowed: Bool) -> [UInt16]? {
        guard !bytes.isEmpty else { return [] }
        let parts = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var out: [UInt16] = []
        for (i, part) in parts.enumerated() {
            if i == parts.count - 1, dottedQuadAllowed, part.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(part) else { return nil }
                out += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                continue
            }
            guard (1...4).contains(part.count) else { return nil }
            var g: UInt16 = 0
            for b in part {
                guard let digit = Hex.value(b) else { return nil }
                g = g << 4 | UInt16(digit)
            }
            out.append(g)
        }
        return out.count <= 8 ? out : nil
    }
}

/// A block of addresses in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`); a bare address is a
/// block of one (`/32` or `/128`).
///
/// An IPv6 block inside `::ffff:0:0/96` is the IPv4 block it maps; any other IPv6 block contains
/// IPv6 addresses only, so `::/0` does not admit IPv4 clients (list `0.0.0.0/0` as well for that).
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses CIDR text.
    /// - Throws: `MessageError` saying what is wrong, including host bits set below the prefix
    ///   (`10.0.0.1/8`), which is almost always a typo for another block.
    public init(_ text: String) throws(MessageError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = Array(parts[0].utf8)[...]
        var prefix: Int? = nil
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                digits.utf8.count == 1 || digits.utf8.first != UInt8(ascii: "0"), let n = Int(digits)
            else { throw MessageError("'\(text)' has an invalid prefix length after '/'") }
            prefix = n
        }
        if let v4 = IPAddress.parseIPv4(addressText) {
            let length = prefix ?? 32
            guard length <= 32 else { throw MessageError("'\(text)' has a prefix longer than 32 bits") }
            try self.init(.v4(v4), length, text)
        } else if case let (high, low)? = IPAddress.parseIPv6(addressText) {
            let length = prefix ?? 128
            guard length <= 128 else { throw MessageError("'\(text)' has a prefix longer than 128 bits") }
            if IPAddress.isMapped(high, low), length >= 96 {
                try self.init(.v4(UInt32(truncatingIfNeeded: low)), length - 96, text)
            } else {
                try self.init(.v6(high, low), length, text)
            }
        } else {
            throw MessageError("'\(text)' is not an IP address or CIDR block (such as 192.0.2.0/24 or 2001:db8::/32)")
        }
    }

    private init(_ value: IPAddress.Value, _ prefixLength: Int, _ text: String) throws(MessageError) {
        guard Self.masked(value, prefixLength) == value else {
            let suggestion = IPNetwork(address: IPAddress(Self.masked(value, prefixLength)), prefixLength: prefixLength)
            throw MessageError("'\(text)' has bits set after the /\(prefixLength) prefix; did you mean \(suggestion)?")
        }
        self.init(address: IPAddress(value), prefixLength: prefixLength)
    }

    private init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Whether `candidate` is in this block.
    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address.value, candidate.value) {
        case (.v4, .v4), (.v6, .v6): Self.masked(candidate.value, prefixLength) == address.value
        default: false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    static func masked(_ value: IPAddress.Value, _ length: Int) -> IPAddress.Value {
        switch value {
        case .v4(let a):
            return .v4(length == 0 ? 0 : a & ~UInt32(0) << UInt32(32 - length))
        case .v6(let high, let low):
            func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? ~0 : ~UInt64(0) << UInt64(64 - bits) }
            return .v6(high & mask(length), low & mask(length - 64))
        }
    }
}
