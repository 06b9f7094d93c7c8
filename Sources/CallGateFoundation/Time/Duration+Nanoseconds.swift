extension Duration {
    /// Whole nanoseconds, saturating at `Int64.max` (a configured duration can be days long).
    package var nanoseconds: Int64 {
        let (seconds, overflow) = components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = seconds.addingReportingOverflow(components.attoseconds / 1_000_000_000)
        return overflow || overflow2 ? Int64.max : total
    }
}
