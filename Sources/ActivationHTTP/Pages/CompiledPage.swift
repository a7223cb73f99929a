import ActivationTemplates
import NIOCore

/// A page compiled at start-up as the mails are (`MarkedTemplate`: rendered once with markers in
/// place of its per-request values and split at them), so that serving it is copying and
/// escaping, not interpreting the template: the landing page is the one every link (and every
/// scanner) opens, and the template engine was most of its cost.
///
/// A template that does anything with a value but print it is not compiled. Page templates may
/// include partials, whose indentation depends on a value being empty: the caller renders a page
/// with an empty value the slow way.
extension MarkedTemplate {
    /// The page with `values` (in the order of compilation) in their places, escaped where the
    /// template's tag escapes.
    func page(_ values: [String]) -> ByteBuffer {
        var values = values
        var buffer = ByteBuffer()
        buffer.reserveCapacity(expectedLength { values[$0].utf8.count } + 256)
        for piece in pieces {
            switch piece {
            case .text(let text):
                buffer.writeBytes(text)
            case .value(let slot, let escaped):
                values[slot].withUTF8 { value in
                    if escaped {
                        Self.escape(value) { buffer.writeBytes($0) }
                    } else {
                        buffer.writeBytes(value)
                    }
                }
            }
        }
        return buffer
    }
}
