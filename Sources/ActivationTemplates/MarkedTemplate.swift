import Mustache

/// A template rendered once through swift-mustache with markers in place of its per-request
/// values and split at them, so that serving it is copying text and writing values (escaped where
/// the tag escapes), not interpreting the template. The mails (on the courier's path) and the
/// landing and registration pages (on every link click) are served this way.
///
/// Every parse is mustache's: compilation only reads what mustache printed. Each value is given
/// to mustache as a probe object, whose marker is `U+E000 < > & " ' <slot> U+E001`:
///
/// - **Escaped or not.** The marker carries the five characters HTML escaping changes, so each
///   printed marker shows what the tag did with it: as it is (`{{{x}}}`, `{{& x}}`, or `{{x}}`
///   under a TEXT content type, which escapes nothing) or as `&lt;&gt;&amp;&quot;&#39;` (`{{x}}`
///   under mustache's HTML content type or the mails' `FastHTMLContentType`, which escape exactly
///   these five, as `escape` does). Any other spelling is not a marker and nothing is compiled.
/// - **Printed, nothing else.** The probe counts each time mustache looks it up (its
///   `MustacheCustomRepresentation`) and each time it prints it (its `renderText`), and notes any
///   other use: a section or inverted section (`MustacheSequence` iteration), a transform such as
///   `{{uppercased(x)}}`, a child (`{{x.y}}`), a description (`{{.}}` of a context holding it).
///   A template compiles only when each value was printed as often as it was looked up, nothing
///   else was done with it, and the output holds exactly that many well-formed markers of it and
///   no stray marker character. A dynamic partial (`{{>*x}}`) is a look-up without a print.
///
/// Exact, then, for any template whose values are only printed: the output of a real value is
/// the output with the marker, the marker replaced by the value (escaped where the marker was).
/// One dependence on a value is left that the probe cannot see: a partial rendered with
/// indentation indents a line that starts with a value only if the value is not empty. Callers
/// whose templates may have partials (the pages, which have a library) render empty values the
/// slow way; mail templates have no library, so no partials.
public struct MarkedTemplate: Sendable, Equatable {
    /// A piece of the output.
    public enum Piece: Sendable, Equatable {
        /// The template's own text, copied as it is.
        case text([UInt8])
        /// Value number `slot`, HTML-escaped or not.
        case value(Int, escaped: Bool)
    }

    /// The pieces, in order.
    public let pieces: [Piece]
    /// The bytes of text in all pieces together.
    public let textCount: Int

    /// Compiles what `render` gives when handed one probe for each of `values` values (put each
    /// where the context has its value); nil when the template does anything with a value but
    /// print it (see the type's comment).
    public init?(values: Int, render: (_ probes: [Any]) -> String) {
        let probes = (0..<values).map(MarkerProbe.init(slot:))
        let output = Array(render(probes).utf8)
        guard probes.allSatisfy({ $0.misused == false && $0.lookups == $0.prints }) else { return nil }
        var pieces: [Piece] = []
        var occurrences = [Int](repeating: 0, count: values)
        var textCount = 0
        var index = 0
        var textStart = 0
        let count = output.count
        func matches(_ bytes: [UInt8], at position: Int) -> Bool {
            position + bytes.count <= count && output[position..<position + bytes.count].elementsEqual(bytes)
        }
        while index < count {
            guard output[index] == 0xEE, index + 2 < count, output[index + 1] == 0x80,
                  output[index + 2] == 0x80 || output[index + 2] == 0x81
            else {
                index += 1
                continue
            }
            // U+E000 opens a marker; U+E001 anywhere else is stray.
            guard output[index + 2] == 0x80 else { return nil }
            var position = index + 3
            let escaped: Bool
            if matches(Self.rawMiddle, at: position) {
                escaped = false
                position += Self.rawMiddle.count
            } else if matches(Self.escapedMiddle, at: position) {
                escaped = true
                position += Self.escapedMiddle.count
            } else {
                return nil
            }
            var slot = 0
            var digits = 0
            while position < count, digits < 6, (0x30...0x39).contains(output[position]) {
                slot = slot * 10 + Int(output[position] - 0x30)
                digits += 1
                position += 1
            }
            guard digits > 0, slot < values, matches(Self.close, at: position) else { return nil }
            if textStart < index {
                pieces.append(.text(Array(output[textStart..<index])))
                textCount += index - textStart
            }
            pieces.append(.value(slot, escaped: escaped))
            occurrences[slot] += 1
            index = position + Self.close.count
            textStart = index
        }
        if textStart < count {
            pieces.append(.text(Array(output[textStart..<count])))
            textCount += count - textStart
        }
        guard occurrences.elementsEqual(probes.map(\.prints)) else { return nil }
        self.pieces = pieces
        self.textCount = textCount
    }

    /// The marker of value `slot`, as the probe prints it.
    static func marker(_ slot: Int) -> String { "\u{E000}<>&\"'\(slot)\u{E001}" }

    private static let rawMiddle = Array("<>&\"'".utf8)
    private static let escapedMiddle = Array("&lt;&gt;&amp;&quot;&#39;".utf8)
    private static let close: [UInt8] = [0xEE, 0x80, 0x81]

    /// The bytes `render` appends when no value needs escaping: room to reserve. `length(slot)`
    /// is the byte count of value `slot`.
    @inlinable
    public func expectedLength(_ length: (Int) -> Int) -> Int {
        var total = textCount
        for case .value(let slot, _) in pieces { total += length(slot) }
        return total
    }

    /// Appends the template rendered with the values `value(slot)` gives, as UTF-8 bytes.
    @inlinable
    public func render(_ value: (Int) -> UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        for piece in pieces {
            switch piece {
            case .text(let text):
                out.append(contentsOf: text)
            case .value(let slot, let escaped):
                if escaped { Self.appendEscaped(value(slot), to: &out) } else { out.append(contentsOf: value(slot)) }
            }
        }
    }

    /// Appends `value` HTML-escaped to `out` (see `escape`).
    @inlinable
    public static func appendEscaped(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        escape(value) { out.append(contentsOf: $0) }
    }

    /// Writes `value`, through `write`, with `< > & " '` escaped exactly as mustache's HTML content
    /// type (and the mails' `FastHTMLContentType`) escape them; every other byte is copied, in
    /// runs found eight bytes at a time (the link, the longest value, usually has nothing to escape).
    @inlinable
    public static func escape(_ value: UnsafeBufferPointer<UInt8>, _ write: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = value.baseAddress else { return }
        let count = value.count
        var start = 0
        var index = 0
        while index < count {
            if count - index >= 8, !mayNeedEscaping(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            let end = min(count, index + 8)
            while index < end {
                let entity: StaticString
                switch value[index] {
                case 0x3C: entity = "&lt;"
                case 0x3E: entity = "&gt;"
                case 0x26: entity = "&amp;"
                case 0x22: entity = "&quot;"
                case 0x27: entity = "&#39;"
                default:
                    index += 1
                    continue
                }
                if start < index { write(UnsafeBufferPointer(rebasing: value[start..<index])) }
                entity.withUTF8Buffer(write)
                index += 1
                start = index
            }
        }
        if start < count { write(UnsafeBufferPointer(rebasing: value[start..<count])) }
    }

    /// Whether some byte of `word` is `<`, `>`, `&`, `"` or `'`: the exact "has a zero byte"
    /// word test on `word` XOR each of them.
    @inlinable @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always)
        func zeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        return (zeroByte(word ^ (ones &* 0x3C)) | zeroByte(word ^ (ones &* 0x3E)) | zeroByte(word ^ (ones &* 0x26))
            | zeroByte(word ^ (ones &* 0x22)) | zeroByte(word ^ (ones &* 0x27))) != 0
    }
}

/// What stands in a template's context for one value while `MarkedTemplate` compiles it: prints
/// its marker, and counts or notes everything mustache does with it.
final class MarkerProbe: MustacheCustomRenderable, MustacheCustomRepresentation, MustacheSequence,
    MustacheTransformable, MustacheParent, CustomStringConvertible, CustomDebugStringConvertible
{
    let marker: String
    /// Times mustache took it as a tag's value.
    private(set) var lookups = 0
    /// Times it was printed, escaped or not.
    private(set) var prints = 0
    /// Whether anything else was done with it.
    private(set) var misused = false

    init(slot: Int) { marker = MarkedTemplate.marker(slot) }

    var representation: Any? {
        lookups += 1
        return self
    }

    var renderText: String {
        prints += 1
        return marker
    }

    var isNull: Bool {
        misused = true
        return false
    }

    /// A section or inverted section on the value: it is shown once, as for a string.
    func makeIterator() -> CollectionOfOne<MarkerProbe>.Iterator {
        misused = true
        return CollectionOfOne(self).makeIterator()
    }

    func transform(_ name: String) -> Any? {
        misused = true
        return nil
    }

    func child(named: String) -> Any? {
        misused = true
        return nil
    }

    var description: String {
        misused = true
        return ""
    }

    var debugDescription: String { description }
}
