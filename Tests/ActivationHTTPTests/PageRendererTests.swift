@testable import ActivationHTTP
import Crypto
import Foundation
import Hummingbird
import NIOCore
import Testing

@Suite("Pages: the compiled landing page equals the template's")
struct PageRendererTests {
    @Test(arguments: [true, false])
    func compiledLandingMatchesTheTemplate(askPassword: Bool) throws {
        let pages = try PageRenderer(directory: nil, askPassword: askPassword)
        let values = ["firstName": "Zoë <O'Brien> & \"Co\"", "phrase": "blue heron at dawn ☀︎", "token": "AbC-_9",
                      "lang": "fr"]
        let fastText = String(buffer: pages.landingHTML(
            firstName: values["firstName"]!, phrase: values["phrase"]!, token: values["token"]!,
            lang: values["lang"]!, askPassword: askPassword))
        let slowText = pages.html("activate", [
            "firstName": values["firstName"]!, "phrase": values["phrase"]!, "token": values["token"]!,
            "askPassword": askPassword, "lang": values["lang"]!,
        ])
        #expect(fastText == slowText)
        #expect(fastText.contains("Zoë &lt;O&#39;Brien&gt; &amp; &quot;Co&quot;"))
        #expect(fastText.contains(#"<html lang="fr">"#))
    }

    @Test func theCompiledEmptyRegistrationFormEqualsTheTemplates() throws {
        let pages = try PageRenderer(directory: nil, askPassword: true,
                                     site: SiteValues(serviceName: "Zoë's <Accounts>", supportContact: "help@example.org"))
        #expect(pages.compilesRegisterForm)
        let image = #"<img src="data:image/png;base64,iVBORw0KGgo=" width="240" height="84" alt="Verification image">"#
        let fast = pages.emptyRegisterFormHTML(token: "AbC-_9", image: image, lang: "de")
        var values = RegistrationFormPage().values(token: "AbC-_9", image: image)
        values["lang"] = "de"
        let slow = pages.html("register", values)
        #expect(String(buffer: fast) == slow)
        #expect(slow.contains(image) && slow.contains("Zoë&#39;s &lt;Accounts&gt;") && slow.contains(#"<html lang="de">"#))
    }

    @Test func anOperatorTemplateReplacesTheShippedOneAndItsStyleIsAllowedByHash() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "{{<layout}}{{$main}}<p>Hello {{firstName}}, {{phrase}}</p>{{/main}}{{/layout}}"
            .write(to: directory.appendingPathComponent("activate.mustache"), atomically: true, encoding: .utf8)
        try "body{color:red}".write(to: directory.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        let pages = try PageRenderer(directory: directory.path, askPassword: true)
        let text = String(buffer: pages.landingHTML(firstName: "Jane", phrase: "heron", token: "t", lang: "en",
                                                    askPassword: true))
        #expect(text.contains("<p>Hello Jane, heron</p>"))
        #expect(text.contains("<style>body{color:red}</style>"))
        #expect(pages.contentSecurityPolicy.contains("'sha256-\(sha256Base64("body{color:red}"))'"))
    }

    @Test func aTemplateThatDoesNotParseStopsTheStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "{{#open}} never closed".write(to: directory.appendingPathComponent("locked.mustache"), atomically: true,
                                          encoding: .utf8)
        #expect(throws: (any Error).self) { try PageRenderer(directory: directory.path, askPassword: true) }
    }
}

/// Base64 of SHA-256, as a CSP hash source.
func sha256Base64(_ text: String) -> String {
    Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
}

/// The pages' fast path (`MarkedTemplate`) against swift-mustache's rendering of the same
/// operator template, for the landing page and the empty registration form.
@Suite("Pages: compiled operator templates render as mustache does")
struct CompiledPageTests {
    static let valueSets: [[String]] = [
        ["Jane", "blue heron", "AbC-_9", "en"],
        ["Zoë <O'Brien> & \"Co\"", "<b>bold</b> & 'q'", "t&x=<y>", "fr\"'"],
        // The markers' own characters, a whole marker and its escaped form.
        ["\u{E000}<>&\"'0\u{E001}", "\u{E001}", "\u{E000}&lt;&gt;&amp;&quot;&#39;2\u{E001}", "\u{E000}"],
        ["", "phrase", "", "en"],
        ["Jo", "", "t", ""],
    ]

    /// A renderer whose `activate.mustache` (and any other file given) is the operator's.
    static func renderer(_ files: [String: String], askPassword: Bool = true) throws -> (PageRenderer, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return (try PageRenderer(directory: directory.path, askPassword: askPassword), directory)
    }

    /// Checks the landing page served (compiled or not) against mustache for every value set.
    static func expectLandingMatches(_ pages: PageRenderer, askPassword: Bool = true,
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        for values in valueSets {
            let fast = String(buffer: pages.landingHTML(firstName: values[0], phrase: values[1], token: values[2],
                                                        lang: values[3], askPassword: askPassword))
            let slow = pages.html("activate", ["firstName": values[0], "phrase": values[1], "token": values[2],
                                               "askPassword": askPassword, "lang": values[3]])
            #expect(fast == slow, "\(values)", sourceLocation: sourceLocation)
        }
    }

    static let compiled: [String] = [
        // Escaped, triple-mustache and ampersand tags of the same values.
        "<p>{{firstName}}|{{{firstName}}}|{{& firstName}}|{{{phrase}}}|{{phrase}}|{{& token}}|{{lang}}</p>",
        // Unknown tags, comments, a partial that does not exist, set delimiters, a pragma.
        "{{nope}}{{! note }}{{>missing}}{{=<% %>=}}<%firstName%>|<%& token%><%={{ }}=%>{{serviceName}}",
        "{{% CONTENT_TYPE: TEXT}}{{firstName}} {{phrase}}",
        // Sections on the page's own values, not the per-request ones.
        "{{#askPassword}}<input value=\"{{token}}\">{{/askPassword}}{{^askPassword}}no{{/askPassword}}{{firstName}}",
        "", "no values at all", "lit \u{E001} \u{E000}",
    ]

    @Test("templates that print the values compile and render as mustache does", arguments: compiled)
    func compiledOperatorLanding(source: String) throws {
        for askPassword in [true, false] {
            let (pages, directory) = try Self.renderer(["activate.mustache": source], askPassword: askPassword)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(pages.compilesLanding == (!source.contains("\u{E000}") && !source.contains("\u{E001}")))
            Self.expectLandingMatches(pages, askPassword: askPassword)
        }
    }

    static let slow: [String] = [
        "{{#firstName}}Hi {{firstName}}{{/firstName}}", "{{^phrase}}none{{/phrase}}{{token}}",
        "{{uppercased(firstName)}}", "{{reversed(token)}}", "{{empty(lang)}}", "{{firstName.x}}{{token}}",
        "{{>*lang}}",
    ]

    @Test("a section, inverted section or transform on a value renders through mustache", arguments: slow)
    func slowOperatorLanding(source: String) throws {
        let (pages, directory) = try Self.renderer(["activate.mustache": source, "en.mustache": "[en partial]"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(!pages.compilesLanding)
        Self.expectLandingMatches(pages)
    }

    @Test("a partial's indentation before a value: compiled, and an empty value goes the slow way")
    func indentedPartial() throws {
        let (pages, directory) = try Self.renderer([
            "activate.mustache": "<div>\n  {{>greet}}\n</div>", "greet.mustache": "{{firstName}}\n{{phrase}}\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(pages.compilesLanding)
        Self.expectLandingMatches(pages)
    }

    @Test("the registration form: escaped or not as the operator's tags say")
    func operatorRegisterForm() throws {
        for source in ["{{challengeImage}}|{{{challengeToken}}}|{{lang}}", "{{{challengeImage}}}|{{challengeToken}}",
                       "{{#challengeImage}}x{{/challengeImage}}"] {
            let (pages, directory) = try Self.renderer(["register.mustache": source])
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(pages.compilesRegisterForm == !source.contains("#"))
            for values in Self.valueSets {
                let fast = pages.emptyRegisterFormHTML(token: values[2], image: values[1], lang: values[3])
                var slow = RegistrationFormPage().values(token: values[2], image: values[1])
                slow["lang"] = values[3]
                #expect(String(buffer: fast) == pages.html("register", slow), "\(source) \(values)")
            }
        }
    }
}
