import CallGateFoundation
import CallGateModel

extension FieldKind {
    /// The mappable fields of `call:`: every field of the record's one table (`CallRecord.fields`)
    /// but the computed `call_key`.
    static let callRecord: FieldKind = .object(
        CallRecord.fields.filter { $0.text != "call_key" }.map { ($0.text, $0.kind) })
}
