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
