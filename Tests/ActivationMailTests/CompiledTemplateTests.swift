import ActivationCore
@testable import ActivationMail
import ActivationTemplates
import Foundation
import Mustache
import Testing
import TestSupport

/// The mails' fast path (`MarkedTemplate`, compiled by `MailTemplates.Part.compile`) against
/// swift-mustache's rendering of the same template.
@Suite("Compiled templates")
struct CompiledTemplateTests {
    static let valueSets: [MailValues] = [
        MailValues(firstName: "Jane", lastName: "Doe", username: "jdoe2026", link: "https://x/activate?token=t",
                   expiresAt: MailFixtures.now, daysLeft: 3),
        MailValues(firstName: "Jo<b>&\"é'", lastName: "D'Oe & <Sons>", username: "a&amp;b",
                   link: "https://x/activate?token=t&x=<y>'\"", expiresAt: Date(timeIntervalSince1970: -86_401.5),
                   daysLeft: 1),
        MailValues(firstName: "Zoë", lastName: "Ångström-Łukasiewicz", username: "日本e\u{301}👩‍👩‍👧",
                   link: "{{firstName}}", expiresAt: Date(timeIntervalSince1970: 4_102_444_800), daysLeft: 0),
        MailValues(firstName: "", lastName: " ", username: "\t", link: "", expiresAt: MailFixtures.now, daysLeft: -3),
        // The markers' own characters, a whole marker and its escaped form.
        MailValues(firstName: "\u{E000}<>&\"'0\u{E001}", lastName: "\u{E001}", username: "\u{E000}&lt;&gt;&amp;&quot;&#39;3\u{E001}",
                   link: "\u{E000}", expiresAt: MailFixtures.now, daysLeft: 12),
    ]

    /// Both renderings of `source`: the compiled one (nil when it does not compile) and mustache's.
    /// The compiled one is `MarkedTemplate` itself, before `Part` checks it against mustache.
    static func render(_ source: String, escaped: Bool, _ values: MailValues) throws -> (compiled: String?, mustache: String) {
        let part = try MailTemplates.Part(source: source, escaped: escaped)
        let mustache = part.renderWithMustache(values)
        guard let compiled = MailTemplates.Part.compile(part.mustache) else { return (nil, mustache) }
        var bytes: [UInt8] = []
        TemplateValues(values).render(compiled, into: &bytes)
        return (String(decoding: bytes, as: UTF8.self), mustache)
    }

    @Test("the shipped templates are all compiled, and render as mustache renders them")
    func shippedDefaults() throws {
        let templates = try MailTemplates()
        for kind in MailKind.allCases {
            #expect(templates.compiledParts(kind) == [true, true, true], "\(kind)")
            let defaults = DefaultTemplates.texts(for: kind)
            for values in Self.valueSets {
                #expect(templates.render(kind, values) == templates.renderWithMustache(kind, values))
                let parts = templates.renderParts(kind, values)
                #expect(String(decoding: parts.text, as: UTF8.self) == templates.render(kind, values).text)
                for (source, escaped) in [(defaults.subject, false), (defaults.text, false), (defaults.html, true)] {
                    let (compiled, mustache) = try Self.render(source, escaped: escaped, values)
                    #expect(compiled == mustache)
                }
            }
        }
    }

    static let compilable: [String] = [
        "Hello {{firstName}}!", "{{ firstName }} {{\tlastName\n}} {{  username}}{{expires}}",
        "<a href=\"{{{link}}}\">{{link}}</a> {{& link}} {{&username}} {{{ firstName }}} {{&\tlastName\r\n}}",
        "{{daysLeft}} {{daysLeftText}} {{ daysLeftText }}", "lone { and } and }} and { { and {x} and }{ end",
        "text with { lone brace\n} and more {{username}}", "\nleading blank line {{firstName}}",
        "  \t\n{{firstName}}", "\r\n{{firstName}}", "\r{{firstName}}", "  {{firstName}}", "{{firstName}}\n   ",
        "{{firstName}}\n   x", "{{firstName}}\n\t{{lastName}}\n  \n", "line\r\nbreaks\r\n{{expires}}\r\n",
        "lone\rCR {{daysLeft}}\u{0B}\u{0C}\u{85}\u{2028}", "ünïcødé {{firstName}} 日本 e\u{301} 👩‍👩‍👧", "", "   ", "\n",
        " \n \n", "}}{{firstName}}{{lastName}}}", "{x{{firstName}}", "a {\u{301}{firstName}}", "\u{600}{{firstName}}",
        "{{firstName}} \u{301}x", "=?{{link}}?= . .. \t", String(repeating: "long {{link}} line ", count: 20),
        // Beyond the hand-written compiler's subset: whatever mustache prints of a value as it is.
        "{{! comment }}Hello {{firstName}}", "{{>partial}}x{{link}}", "{{=<% %>=}}<%firstName%> <%& link%>",
        "{{first.name}}|{{lastName}}", "{{unknown}}x{{username}}", "{{% CONTENT_TYPE: TEXT}}{{firstName}}",
        "{{$block}}b{{firstName}}{{/block}}", "  {{! standalone }}  \nHello {{firstName}}", "abc{{",
        "{{#unknown}}{{firstName}}{{/unknown}}{{^unknown}}{{lastName}}{{/unknown}}", "{{{firstName}}}{{firstName}}",
        "{{firstName}}{{firstName}}{{link}}{{firstName}}", "{{#.}}{{firstName}}{{/.}}",
    ]

    @Test("text and plain variable tags compile and render as mustache does", arguments: compilable)
    func matchesMustache(source: String) throws {
        for escaped in [false, true] {
            for values in Self.valueSets {
                let (compiled, mustache) = try Self.render(source, escaped: escaped, values)
                #expect(compiled != nil, "\(source.debugDescription) should compile")
                #expect(compiled == mustache, "\(source.debugDescription) escaped: \(escaped)")
            }
        }
    }

    @Test("HTML templates escape {{value}} as FastHTMLContentType does; triple and & tags never escape")
    func escaping() throws {
        let values = Self.valueSets[1]
        let html = try Self.render("{{firstName}}|{{{firstName}}}|{{& firstName}}", escaped: true, values)
        #expect(html.compiled == "Jo&lt;b&gt;&amp;&quot;é&#39;|Jo<b>&\"é'|Jo<b>&\"é'")
        #expect(html.compiled == html.mustache)
        let text = try Self.render("{{firstName}}|{{{firstName}}}", escaped: false, values)
        #expect(text.compiled == "Jo<b>&\"é'|Jo<b>&\"é'")
        #expect(text.compiled == text.mustache)
    }

    @Test("escaping, eight bytes at a time, agrees with FastHTMLContentType wherever the escapes fall")
    func escapingAnywhere() async {
        var generator = SplitMix(seed: 17)
        let pieces = ["a", "bcdefgh", "<", ">", "&", "\"", "'", "é", "日本", "&amp;", "\u{0}", " "]
        for round in 0..<2000 {
            if round % 100 == 0 { await Task.yield() }
            let text = (0..<Int(generator.next() % 30)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
            var bytes: [UInt8] = []
            Array(text.utf8).withUnsafeBufferPointer { MarkedTemplate.appendEscaped($0, to: &bytes) }
            #expect(String(decoding: bytes, as: UTF8.self) == FastHTMLContentType().escapeText(text), "\(text.debugDescription)")
            // The pages' escaping is mustache's own HTML content type.
            let page = try? MustacheTemplate(string: "{{x}}").render(["x": text])
            #expect(String(decoding: bytes, as: UTF8.self) == page, "\(text.debugDescription)")
        }
    }

    static let mustacheOnly: [(source: String, rendered: String?)] = [
        ("{{#firstName}}Hi {{firstName}}{{/firstName}}", "Hi Jane"), ("{{^lastName}}none{{/lastName}}x", "x"),
        ("{{#daysLeft}}{{.}} left{{/daysLeft}}", "3 left"), ("{{#link}}{{/link}}", ""),
        ("{{uppercased(firstName)}}", "JANE"), ("{{reversed(lastName)}}", "eoD"), ("{{empty(link)}}", "false"),
        ("{{plusone(daysLeft)}}", "4"), ("{{#empty(firstName)}}no name{{/empty(firstName)}}", ""),
        ("{{firstName.count}}x", "x"), ("{{ . }}", nil),
        ("{{>*firstName}}x", "x"),
        // The markers' own characters in the template's text: not taken for markers, not compiled.
        ("\u{E000}x{{firstName}}", "\u{E000}xJane"), ("lit \u{E001} text", "lit \u{E001} text"),
        ("\u{E000}<>&\"'0\u{E001}{{lastName}}", "\u{E000}<>&\"'0\u{E001}Doe"),
    ]

    @Test("sections, inverted sections, transforms, children of a value, marker characters stay with mustache")
    func fallback() throws {
        for (source, rendered) in Self.mustacheOnly {
            #expect(try MailTemplates.Part.compile(MailTemplates.Part(source: source, escaped: true).mustache) == nil,
                    "\(source.debugDescription)")
            #expect(try MailTemplates.Part(source: source, escaped: true).compiled == nil)
            if let rendered {
                #expect(try Self.render(source, escaped: false, Self.valueSets[0]).mustache == rendered)
            }
        }
    }

    @Test("a template file with a section or a comment renders through mustache, as before")
    func fallbackFile() throws {
        let directory = try TemporaryDirectory()
        try "{{#daysLeft}}Only {{daysLeftText}} left{{/daysLeft}}, {{firstName}}\n"
            .write(toFile: directory.path("reminder.subject.mustache"), atomically: true, encoding: .utf8)
        try "{{! no greeting }}\nHello {{firstName}} & {{{lastName}}}\n"
            .write(toFile: directory.path("reminder.text.mustache"), atomically: true, encoding: .utf8)
        let templates = try MailTemplates(directory: directory.url.path)
        #expect(templates.compiledParts(.reminder) == [false, true, true])
        #expect(templates.compiledParts(.activation) == [true, true, true])
        let values = Self.valueSets[0]
        let rendered = templates.render(.reminder, values)
        #expect(rendered == templates.renderWithMustache(.reminder, values))
        #expect(rendered.subject == "Only 3 days left, Jane")
        // The pragma put first keeps the comment from being standalone: its line break stays.
        #expect(rendered.text == "\nHello Jane & Doe\n")
        let mail = try MailFixtures.factory(templates: templates)
            .mail(for: OutboxMessage.queued(.reminder, for: UUID(), now: MailFixtures.now),
                  account: MailFixtures.account(), now: MailFixtures.now)
        #expect(String(decoding: mail.bytes, as: UTF8.self).contains("\r\nSubject: Only 30 days left, Jane\r\n"))
    }

    @Test("random templates: whatever compiles renders as mustache does")
    func randomTemplates() async throws {
        let fragments = ["Hi ", "{{firstName}}", "{{ lastName }}", "{{{link}}}", "{{& username}}", "{{expires}}",
                         "{{daysLeft}}", "{{daysLeftText}}", "{{\tlink\n}}", "{", "}", "}}", "{ {", "\n", "\r\n", "\r",
                         " ", "\t", ".", "é", "\u{301}", "&<>\"'", "{{#firstName}}", "{{/firstName}}", "{{! c }}",
                         "{{unknown}}", "{{a.b}}", "\u{0B}", "\u{600}", "{x", "{{{firstName}}}", "{{uppercased(link)}}",
                         "{{^lastName}}", "{{/lastName}}", "{{>p}}", "\u{E000}", "{{% CONTENT_TYPE: TEXT}}",
                         "{{firstName.x}}"]
        var generator = SplitMix(seed: 7)
        var compiled = 0
        for round in 0..<1500 {
            if round % 100 == 0 { await Task.yield() }
            let source = (0..<Int(generator.next() % 12)).map { _ in fragments[Int(generator.next() % UInt64(fragments.count))] }
                .joined()
            let escaped = generator.next() % 2 == 0
            guard (try? MailTemplates.Part(source: source, escaped: escaped)) != nil else { continue }
            let values = Self.valueSets[Int(generator.next() % UInt64(Self.valueSets.count))]
            let result = try Self.render(source, escaped: escaped, values)
            if let fast = result.compiled {
                compiled += 1
                #expect(fast == result.mustache, "\(source.debugDescription) escaped: \(escaped)")
            }
        }
        #expect(compiled > 250)
    }

    @Test("the subject on one line: bytes split as Characters are, a CRLF kept")
    func oneLine() async {
        var generator = SplitMix(seed: 11)
        let pieces = ["a", "Bc", " ", "  ", "\t", "\n", "\r", "\r\n", "x\r", "\n\r", "é", "\u{301}", ".", "=?"]
        for round in 0..<1500 {
            if round % 100 == 0 { await Task.yield() }
            let text = (0..<Int(generator.next() % 10)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
            #expect(MailTemplates.oneLine(Array(text.utf8)) == MailTemplates.oneLine(text), "\(text.debugDescription)")
        }
        #expect(MailTemplates.oneLine(Array(" a \r\n b\t\n".utf8)) == "a \r\n b")
    }
}
