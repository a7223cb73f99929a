public import ActivationCore
public import Foundation
import Mustache

/// The mustache templates of every mail kind: the shipped defaults, each of which a file in the
/// operator's directory replaces.
///
/// Each kind has three templates, named `<kind>.subject.mustache`, `<kind>.text.mustache` and
/// `<kind>.html.mustache` (kinds: `activation`, `reminder`). The subject and text templates
/// render without HTML escaping; the HTML template escapes every `{{value}}`. Values:
/// `firstName`, `lastName`, `username`, `link`, `expires` (`29 November 2026 at 03:39 UTC`),
/// `daysLeft` (a number) and `daysLeftText` (`3 days`, `1 day`).
public struct MailTemplates: Sendable {
    private struct Set: Sendable {
        let subject: MustacheTemplate
        let text: MustacheTemplate
        let html: MustacheTemplate
    }

    private let sets: [MailKind: Set]

    /// Loads the templates: the file in `directory` where there is one, the shipped default
    /// otherwise.
    ///
    /// - Throws: `MailError.template` naming the file that cannot be read or parsed.
    public init(directory: String? = nil) throws(MailError) {
        FastHTMLContentType.registerOnce
        var sets: [MailKind: Set] = [:]
        for kind in MailKind.allCases {
            let defaults = DefaultTemplates.texts(for: kind)
            func load(_ part: String, _ fallback: String, escaped: Bool) throws(MailError) -> MustacheTemplate {
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
                // Text is not HTML: without this pragma "&" in a name would arrive as "&amp;".
                if !escaped { source = "{{% CONTENT_TYPE: TEXT}}" + source }
                // The same escaping as mustache's HTML content type, done on bytes: the library's
                // per-Character dictionary lookup was a tenth of the courier's CPU time.
                if escaped { source = "{{% CONTENT_TYPE: \(FastHTMLContentType.name)}}" + source }
                do {
                    return try MustacheTemplate(string: source)
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
        guard let set = sets[kind] else { preconditionFailure("every MailKind has templates") }
        let context = values.context
        let subject = set.subject.render(context)
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
        return RenderedMail(subject: subject, text: set.text.render(context), html: set.html.render(context))
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
         "daysLeftText": daysLeft == 1 ? "1 day" : "\(daysLeft) days"]
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
