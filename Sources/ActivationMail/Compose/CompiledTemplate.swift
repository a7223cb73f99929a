/// The values a mail template can name, in the order `TemplateValues` stores them.
enum TemplateValueName: Int, CaseIterable, Sendable {
    case firstName, lastName, username, link, expires, daysLeft, daysLeftText, serviceName

    /// The value a tag names, or nil for any other name (dotted names included).
    init?(tagName: String) {
        switch tagName {
        case "firstName": self = .firstName
        case "lastName": self = .lastName
        case "username": self = .username
        case "link": self = .link
        case "expires": self = .expires
        case "daysLeft": self = .daysLeft
        case "daysLeftText": self = .daysLeftText
        case "serviceName": self = .serviceName
        default: return nil
        }
    }
}

/// One mail's values as UTF-8 bytes, spelled as the mustache context spells them (`expires` by
/// `RFC5322Date.human`, `daysLeft` in decimal), made once and shared by the three templates.
struct TemplateValues {
    private var storage: [UInt8] = []
    private var ends: [Int] = []

    init(_ values: MailValues) {
        storage.reserveCapacity(values.firstName.utf8.count + values.lastName.utf8.count + values.username.utf8.count
            + values.link.utf8.count + 80)
        ends.reserveCapacity(TemplateValueName.allCases.count)
        for name in TemplateValueName.allCases {
            switch name {
            case .firstName: storage.append(contentsOf: values.firstName.utf8)
            case .lastName: storage.append(contentsOf: values.lastName.utf8)
            case .username: storage.append(contentsOf: values.username.utf8)
            case .link: storage.append(contentsOf: values.link.utf8)
            case .expires: RFC5322Date.appendHuman(values.expiresAt, to: &storage)
            case .daysLeft: storage.append(decimal: values.daysLeft)
            case .daysLeftText:
                storage.append(decimal: values.daysLeft)
                if values.daysLeft == 1 { storage.append(ascii: " day") } else { storage.append(ascii: " days") }
            case .serviceName: storage.append(contentsOf: values.serviceName.utf8)
            }
            ends.append(storage.count)
        }
    }

    /// All values together, in bytes: what a render may add beyond the template's own text.
    var totalCount: Int { storage.count }

    /// Calls `body` with the bytes of each value, indexed by `TemplateValueName.rawValue`.
    func withValues<R>(_ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int>) -> R) -> R {
        storage.withUnsafeBufferPointer { bytes in ends.withUnsafeBufferPointer { ends in body(bytes, ends) } }
    }
}

/// A template that is only literal text and plain variable tags (`{{name}}`, `{{ name }}`,
/// `{{{name}}}`, `{{& name}}`) naming known values, compiled once into segments and rendered
/// straight into UTF-8 bytes.
///
/// swift-mustache renders from a `[String: Any]` context, and its dynamic casts and String
/// appends were most of the time to compose a mail. The compiler below follows the library's
/// parser (Template+Parser.swift, 2.x) Character by Character for this subset and gives up (nil)
/// on anything else: sections, inverted sections, comments, partials, blocks, set-delimiter,
/// pragmas, dotted or unknown names, transforms, and the odd corners where the parser drops text
/// (a tag opening before a line break, `{{` at the very end). Those templates keep rendering
/// through mustache.
struct CompiledTemplate: Sendable, Equatable {
    /// A piece of the output.
    enum Segment: Sendable, Equatable {
        /// The template's own text, copied as it is.
        case text([UInt8])
        /// A value, HTML-escaped or not.
        case value(TemplateValueName, escaped: Bool)
    }

    /// The pieces, in order; adjacent text is one piece.
    let segments: [Segment]
    /// The bytes of text in all segments together.
    let textCount: Int

    /// The characters swift-mustache reads as a tag name.
    private static let nameCharacters = Set<Character>(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")

    /// Compiles `source`, a template to which `MailTemplates` puts a CONTENT_TYPE pragma first;
    /// `escapesHTML` says which: HTML (`{{name}}` is escaped) or TEXT (nothing is).
    ///
    /// Returns nil when the template is not in the subset, or when mustache would not read it the
    /// plain way. Only call it for a source that mustache parses.
    init?(source: String, escapesHTML: Bool) {
        let characters = Array(source)
        let count = characters.count
        var segments: [Segment] = []
        var pending = ""
        var position = 0
        // The pragma in front is standalone when the rest of its line is blank (or there is no
        // more text): the parser then drops that blank rest and its line break.
        var lineStart = count == 0
        var blank = 0
        while blank < count, characters[blank] == " " || characters[blank] == "\t" { blank += 1 }
        if blank < count, characters[blank].isNewline {
            position = blank + 1
            lineStart = true
        }
        while position < count {
            // At the start of a line the parser holds back spaces and tabs; they are written
            // before whatever follows, and dropped only when nothing follows them.
            var indent = ""
            if lineStart {
                while position < count, characters[position] == " " || characters[position] == "\t" {
                    indent.append(characters[position])
                    position += 1
                }
            }
            // Text up to a line break (LF or CRLF only) or the `{{` of a tag.
            var text = ""
            var atTag = false
            while position < count {
                let character = characters[position]
                if character == "\n" || character == "\r\n" { break }
                if character == "{" {
                    // The parser reads two characters here and fails at the end of the text.
                    guard position + 1 < count else { return nil }
                    if characters[position + 1] == "{" {
                        position += 2
                        atTag = true
                        break
                    }
                }
                text.append(character)
                position += 1
            }
            guard atTag else {
                if position < count {
                    pending += indent + text + String(characters[position])
                    position += 1
                    lineStart = true
                } else if !text.isEmpty {
                    pending += indent + text
                }
                continue
            }
            // After `{{` the parser takes a line break for the end of a text line and drops the
            // `{{`; `{{` at the very end is dropped too.
            guard position < count, !characters[position].isNewline else { return nil }
            pending += indent + text
            lineStart = false
            var escaped = escapesHTML
            var triple = false
            switch characters[position] {
            case "{":
                triple = true
                escaped = false
                position += 1
            case "&":
                escaped = false
                position += 1
            case "#", "^", "/", "!", ">", "<", "$", "=", "%":
                return nil
            default:
                break
            }
            while position < count, characters[position].isWhitespace { position += 1 }
            var name = ""
            while position < count, Self.nameCharacters.contains(characters[position]) {
                name.append(characters[position])
                position += 1
            }
            while position < count, characters[position].isWhitespace { position += 1 }
            guard position + 1 < count, characters[position] == "}", characters[position + 1] == "}" else { return nil }
            position += 2
            if triple {
                guard position < count, characters[position] == "}" else { return nil }
                position += 1
            }
            guard let value = TemplateValueName(tagName: name) else { return nil }
            if !pending.isEmpty { segments.append(.text(Array(pending.utf8))) }
            pending = ""
            segments.append(.value(value, escaped: escaped))
        }
        if !pending.isEmpty { segments.append(.text(Array(pending.utf8))) }
        self.segments = segments
        var textCount = 0
        for case .text(let bytes) in segments { textCount += bytes.count }
        self.textCount = textCount
    }

    /// The bytes `render` appends when no value needs escaping: room to reserve.
    func expectedLength(_ values: TemplateValues) -> Int {
        values.withValues { _, ends in
            var length = textCount
            for case .value(let name, _) in segments {
                let index = name.rawValue
                length += ends[index] - (index == 0 ? 0 : ends[index - 1])
            }
            return length
        }
    }

    /// Appends the rendered template to `out`.
    func render(_ values: TemplateValues, into out: inout [UInt8]) {
        values.withValues { bytes, ends in
            for segment in segments {
                switch segment {
                case .text(let text):
                    out.append(contentsOf: text)
                case .value(let name, let escaped):
                    let index = name.rawValue
                    let value = UnsafeBufferPointer(rebasing: bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
                    if escaped { Self.appendEscaped(value, to: &out) } else { out.append(contentsOf: value) }
                }
            }
        }
    }

    /// Appends `value` with `< > & " '` escaped exactly as `FastHTMLContentType` (and so
    /// mustache's HTML content type) escapes them; every other byte is copied, in runs found
    /// eight bytes at a time (the link, the longest value, usually has nothing to escape).
    static func appendEscaped(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
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
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<index]))
                out.append(ascii: entity)
                index += 1
                start = index
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<count]))
    }

    /// Whether some byte of `word` is `<`, `>`, `&`, `"` or `'`: the exact "has a zero byte"
    /// word test on `word` XOR each of them.
    @inline(__always)
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always)
        func zeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        return (zeroByte(word ^ (ones &* 0x3C)) | zeroByte(word ^ (ones &* 0x3E)) | zeroByte(word ^ (ones &* 0x26))
            | zeroByte(word ^ (ones &* 0x22)) | zeroByte(word ^ (ones &* 0x27))) != 0
    }
}
