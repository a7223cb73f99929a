import NIOCore

/// A page rendered once with markers in place of its per-request values and split at them, so
/// that serving it is copying and escaping, not interpreting the template: the landing page is
/// the one every link (and every scanner) opens, and the template engine was most of its cost.
///
/// Exact for any template that only prints these values (escaped or not — they are always
/// escaped here, which is never less safe). A template that transforms one (a lambda) leaves no
/// clean marker and is not compiled; an empty value, which a section would treat differently,
/// is rendered the slow way by the caller.
struct CompiledPage: Sendable {
    /// Static text; between `chunks[i]` and `chunks[i + 1]` goes the value `slots[i]`.
    private let chunks: [String]
    private let slots: [Int]
    /// Values written as they are, not escaped: markup the server made itself (the challenge's SVG).
    private let raw: Set<Int>

    private static let open: Character = "\u{E000}"
    private static let close: Character = "\u{E001}"

    /// Compiles the output of `render`, given the markers for `variables` in order; nil if the
    /// markers did not come through as printed.
    init?(variables: Int, raw: Set<Int> = [], render: ([String]) -> String) {
        let markers = (0..<variables).map { "\(Self.open)\($0)\(Self.close)" }
        let text = render(markers)
        var chunks: [String] = []
        var slots: [Int] = []
        var rest = Substring(text)
        while let start = rest.firstIndex(of: Self.open) {
            guard let end = rest[start...].firstIndex(of: Self.close),
                  let slot = Int(rest[rest.index(after: start)..<end]), (0..<variables).contains(slot)
            else { return nil }
            chunks.append(String(rest[..<start]))
            slots.append(slot)
            rest = rest[rest.index(after: end)...]
        }
        chunks.append(String(rest))
        guard !chunks.contains(where: { $0.contains(Self.close) }) else { return nil }
        self.chunks = chunks
        self.slots = slots
        self.raw = raw
    }

    /// The page with `values` (in the order of compilation) HTML-escaped into their places.
    func render(_ values: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(chunks.reduce(0) { $0 + $1.utf8.count } + 256)
        for (index, chunk) in chunks.enumerated() {
            buffer.writeString(chunk)
            guard index < slots.count else { continue }
            if raw.contains(slots[index]) {
                buffer.writeString(values[slots[index]])
            } else {
                Self.writeEscaped(values[slots[index]], to: &buffer)
            }
        }
        return buffer
    }

    /// Escapes as Mustache does (`< > & " '`); byte-wise, which is exact for UTF-8.
    private static func writeEscaped(_ value: String, to buffer: inout ByteBuffer) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "<"): buffer.writeStaticString("&lt;")
            case UInt8(ascii: ">"): buffer.writeStaticString("&gt;")
            case UInt8(ascii: "&"): buffer.writeStaticString("&amp;")
            case UInt8(ascii: "\""): buffer.writeStaticString("&quot;")
            case UInt8(ascii: "'"): buffer.writeStaticString("&#39;")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
