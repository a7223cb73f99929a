public import ActivationCore
public import Foundation
import ActivationTemplates
import Mustache

/// The mustache templates of every mail kind: the shipped defaults, each of which a file in the
/// operator's directory replaces.
///
/// Each kind has three templates, named `<kind>.subject.mustache`, `<kind>.text.mustache` and
/// `<kind>.html.mustache` (kinds: `activation`, `reminder`). The subject and text templates
/// render without HTML escaping; the HTML template escapes every `{{value}}`. Values:
/// `firstName`, `lastName`, `username`, `link`, `expires` (`29 November 2026 at 03:39 UTC`),
/// `daysLeft` (a number) and `daysLeftText` (`3 days`, `1 day`).
///
/// A template that only prints those values (the shipped ones do) is also compiled and renders
/// straight into bytes (`MarkedTemplate`), once per mail on the courier's path; any other
/// template (a section, an inverted section or a transform on a value) renders through
/// swift-mustache as it always did.
public struct MailTemplates: Sendable {
    private struct Set: Sendable {
        let subject: Part
        let text: Part
        let html: Part
    }

    private let sets: [MailKind: Set]

    /// Loads the templates: the file in `directory` where there is one, the shipped default
    /// otherwise.
    ///
    /// - Throws: `MailError.template` naming the file that cannot be read or parsed.
    public init(directory: String? = nil) throws(MailError) {
        var sets: [MailKind: Set] = [:]
        for kind in MailKind.allCases {
            let defaults = DefaultTemplates.texts(for: kind)
            func load(_ part: String, _ fallback: String, escaped: Bool) throws(MailError) -> Part {
                let name = "\(kind.rawValue).\(part).mustache"
                var source = fallback
                if let directory {
                    let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
                    if FileManager.default.fileExists(atPath: path) {
                        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                            throw MailError(.template, "cannot read \(path)")
                        }
                        source = text
                    }
                }
                do {
                    return try Part(source: source, escaped: escaped)
                } catch {
                    throw MailError(.template, "cannot parse \(name): \(error)")
                }
            }
            sets[kind] = Set(subject: try load("subject", defaults.subject, escaped: false),
                             text: try load("text", defaults.text, escaped: false),
                             html: try load("html", defaults.html, escaped: true))
        }
        self.sets = sets
    }

    /// Renders the mail of `kind` with `values`. The subject is made one line (runs of white
    /// space, including line breaks a template may end with, become one space).
    public func render(_ kind: MailKind, _ values: MailValues) -> RenderedMail {
        let parts = renderParts(kind, values)
        return RenderedMail(subject: parts.subject, text: String(decoding: parts.text, as: UTF8.self),
                            html: String(decoding: parts.html, as: UTF8.self))
    }

    /// What `render` gives, with the text and HTML parts left as the UTF-8 bytes the composer
    /// encodes. Compiled templates render into bytes; the others through mustache, as before.
    func renderParts(_ kind: MailKind, _ values: MailValues) -> (subject: String, text: [UInt8], html: [UInt8]) {
        guard let set = sets[kind] else { preconditionFailure("every MailKind has templates") }
        let bytes = TemplateValues(values)
        var context: [String: Any]?
        func render(_ part: Part) -> [UInt8] {
            if let compiled = part.compiled {
                var out: [UInt8] = []
                out.reserveCapacity(bytes.expectedLength(compiled))
                bytes.render(compiled, into: &out)
                return out
            }
            let dictionary = context ?? values.context
            context = dictionary
            return Array(part.mustache.render(dictionary).utf8)
        }
        return (Self.oneLine(render(set.subject)), render(set.text), render(set.html))
    }

    /// Renders through mustache whatever the templates are: what `render` gave before templates
    /// were compiled, for the tests that compare the two.
    func renderWithMustache(_ kind: MailKind, _ values: MailValues) -> RenderedMail {
        guard let set = sets[kind] else { preconditionFailure("every MailKind has templates") }
        let context = values.context
        return RenderedMail(subject: Self.oneLine(set.subject.mustache.render(context)),
                            text: set.text.mustache.render(context), html: set.html.mustache.render(context))
    }

    /// Which of the kind's templates (subject, text, HTML) render compiled.
    func compiledParts(_ kind: MailKind) -> [Bool] {
        guard let set = sets[kind] else { return [] }
        return [set.subject.compiled != nil, set.text.compiled != nil, set.html.compiled != nil]
    }

    /// The subject on one line: the words between runs of spaces, tabs, LFs and CRs, joined by
    /// one space. A CRLF is one Character and no separator, so it stays (and `compose` refuses
    /// it); ASCII is split by bytes, anything else by Characters.
    static func oneLine(_ bytes: [UInt8]) -> String {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return oneLine(String(decoding: bytes, as: UTF8.self)) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var separated = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let isCRLF = byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10
            if !isCRLF, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                separated = true
                index += 1
                continue
            }
            if separated, !out.isEmpty { out.append(0x20) }
            separated = false
            out.append(byte)
            if isCRLF { out.append(10) }
            index += isCRLF ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `oneLine` by Characters, as mustache's output always was.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}

extension MailTemplates {
    /// One template, parsed by mustache, and compiled too when it is in the compiled subset.
    struct Part: Sendable {
        let mustache: MustacheTemplate
        let compiled: MarkedTemplate?

        /// Values whose spelling shows any mix-up of names, escaping or order.
        private static let probe: MailValues = {
            var values = MailValues(
                firstName: "F<&\"é'>", lastName: "L\u{301}&amp;", username: "u\"'", link: "https://x.example/a?b=<c>&d='e'",
                expiresAt: Date(timeIntervalSince1970: 1_800_000_000), daysLeft: 7)
            values.serviceName = "S<\"&'>"
            return values
        }()

        /// Parses `source`. `escaped`: HTML, escaping `{{value}}`; else text, escaping nothing.
        ///
        /// The template is compiled by rendering it once with markers for the values (see
        /// `MarkedTemplate`). The compiled form is kept only if it also renders the probe values
        /// as mustache does; a difference would be a bug, and mustache's output is the reference.
        /// Mail templates have no partials (no library), so an empty value needs no fallback.
        init(source: String, escaped: Bool) throws {
            FastHTMLContentType.registerOnce
            // Text is not HTML: without this pragma "&" in a name would arrive as "&amp;".
            // The same escaping as mustache's HTML content type, done on bytes: the library's
            // per-Character dictionary lookup was a tenth of the courier's CPU time.
            let pragma = escaped ? "{{% CONTENT_TYPE: \(FastHTMLContentType.name)}}" : "{{% CONTENT_TYPE: TEXT}}"
            mustache = try MustacheTemplate(string: pragma + source)
            if let compiled = Self.compile(mustache) {
                var probe: [UInt8] = []
                TemplateValues(Self.probe).render(compiled, into: &probe)
                self.compiled = probe.elementsEqual(mustache.render(Self.probe.context).utf8) ? compiled : nil
            } else {
                compiled = nil
            }
        }

        /// `template` compiled with a probe for each value, before the check against mustache.
        static func compile(_ template: MustacheTemplate) -> MarkedTemplate? {
            MarkedTemplate(values: TemplateValueName.allCases.count) { probes in
                var context: [String: Any] = [:]
                for name in TemplateValueName.allCases { context[name.key] = probes[name.rawValue] }
                return template.render(context)
            }
        }

        /// What mustache renders for `values`, whether or not the template is compiled.
        func renderWithMustache(_ values: MailValues) -> String {
            mustache.render(values.context)
        }
    }
}

/// What the templates can show about one mail.
public struct MailValues: Sendable, Equatable {
    /// The person's first name.
    public var firstName: String
    /// The person's last name.
    public var lastName: String
    /// The username they chose.
    public var username: String
    /// The full activation link.
    public var link: String
    /// When the link stops working.
    public var expiresAt: Date
    /// Whole days from sending until `expiresAt`, rounded up.
    public var daysLeft: Int
    /// `service.name`: the service's name, as the pages show it.
    public var serviceName = "Accounts"

    /// Creates the values.
    public init(firstName: String, lastName: String, username: String, link: String, expiresAt: Date, daysLeft: Int) {
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
        self.link = link
        self.expiresAt = expiresAt
        self.daysLeft = daysLeft
    }

    var context: [String: Any] {
        ["firstName": firstName, "lastName": lastName, "username": username, "link": link,
         "expires": RFC5322Date.human(expiresAt), "daysLeft": daysLeft,
         "daysLeftText": daysLeft == 1 ? "1 day" : "\(daysLeft) days", "serviceName": serviceName]
    }
}

/// HTML escaping of `{{value}}`: `<`, `>`, `&`, `"` and `'` as mustache's own HTML content type
/// escapes them, scanning UTF-8 bytes instead of Characters (every other byte is copied as is).
struct FastHTMLContentType: MustacheContentType {
    static let name = "ACTIVATIOND_HTML"
    static let registerOnce: Void = MustacheContentTypes.register(FastHTMLContentType(), named: name)

    func escapeText(_ text: String) -> String {
        let utf8 = text.utf8
        // Most values (names, the link) need no escaping at all.
        guard utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x26: out += Array("&amp;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
