import ActivationCore
import ActivationTemplates
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Mustache

/// Renders the pages from the shipped templates, or the operator's where a file replaces one,
/// and knows the Content-Security-Policy that lets exactly their inline stylesheet apply.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    private let style: String
    private let script: String
    private let site: SiteValues
    /// The CSP of every response: nothing from anywhere, the one stylesheet and the one script
    /// (the registration page's) by hash, requests only to this origin (the script's username
    /// check), forms only to this origin, never in a frame.
    let contentSecurityPolicy: String

    /// Why a template directory was refused at start-up (better than a broken page later).
    struct TemplateError: Error, CustomStringConvertible {
        let description: String
    }

    /// The landing page as it shows for a good link, compiled (nil if the template does not allow it).
    private var landing: MarkedTemplate?

    /// The empty registration form, compiled (nil if the template does not allow it).
    private var registerForm: MarkedTemplate?

    init(directory: String?, askPassword: Bool, site: SiteValues = SiteValues()) throws {
        var sources = DefaultTemplates.all.merging(RegisterTemplates.all) { shipped, _ in shipped }
        var style = DefaultStyle.css
        var script = RegisterScript.source
        if let directory {
            let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            for file in files where file.hasSuffix(".mustache") {
                let path = (directory as NSString).appendingPathComponent(file)
                sources[String(file.dropLast(".mustache".count))] = try String(contentsOfFile: path, encoding: .utf8)
            }
            if files.contains("style.css") {
                style = try String(contentsOfFile: (directory as NSString).appendingPathComponent("style.css"),
                                   encoding: .utf8)
            }
            if files.contains("register.js") {
                script = try String(contentsOfFile: (directory as NSString).appendingPathComponent("register.js"),
                                    encoding: .utf8)
            }
        }
        var library = MustacheLibrary()
        for (name, source) in sources {
            do {
                try library.register(source, named: name)
            } catch {
                throw TemplateError(description: "template \(name) does not parse: \(error)")
            }
        }
        self.library = library
        self.style = style
        self.script = script
        self.site = site
        let hash = Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()
        let scriptHash = Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()
        self.contentSecurityPolicy = "default-src 'none'; style-src 'sha256-\(hash)'; "
            + "script-src 'sha256-\(scriptHash)'; img-src data:; connect-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
        self.landing = nil
        self.registerForm = nil
        self.registerForm = MarkedTemplate(values: 3) { probes in
            var values = RegistrationFormPage().values(token: "", image: "")
            values["challengeToken"] = probes[0]
            values["challengeImage"] = probes[1]
            values["lang"] = probes[2]
            return html("register", values)
        }
        self.landing = MarkedTemplate(values: 4) { probes in
            html("activate", ["firstName": probes[0], "phrase": probes[1], "token": probes[2],
                              "lang": probes[3], "askPassword": askPassword])
        }
    }

    /// The landing page for a good link, as a response.
    func landingResponse(firstName: String, phrase: String, token: String, lang: String, askPassword: Bool)
        -> Response
    {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: ResponseBody(byteBuffer: landingHTML(firstName: firstName, phrase: phrase, token: token,
                                                            lang: lang, askPassword: askPassword)))
    }

    /// The landing page's HTML: the compiled page when it can serve, the template otherwise.
    func landingHTML(firstName: String, phrase: String, token: String, lang: String, askPassword: Bool)
        -> ByteBuffer
    {
        let values = [firstName, phrase, token, lang]
        guard let landing, !values.contains(where: \.isEmpty) else {
            return ByteBuffer(string: html("activate", ["firstName": firstName, "phrase": phrase, "token": token,
                                                         "askPassword": askPassword, "lang": lang]))
        }
        return landing.page(values)
    }

    /// Whether the landing page is served compiled.
    var compilesLanding: Bool { landing != nil }

    /// Whether the empty registration form is served compiled.
    var compilesRegisterForm: Bool { registerForm != nil }

    /// The empty registration form with a challenge: the compiled page when it can serve, the
    /// template otherwise. `GET /register` is the registration page's busiest route, and the
    /// template engine was most of its cost.
    func emptyRegisterForm(token: String, image: String, lang: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: ResponseBody(byteBuffer: emptyRegisterFormHTML(token: token, image: image, lang: lang)))
    }

    /// The empty registration form's HTML.
    func emptyRegisterFormHTML(token: String, image: String, lang: String) -> ByteBuffer {
        if let registerForm, !token.isEmpty, !image.isEmpty, !lang.isEmpty {
            return registerForm.page([token, image, lang])
        }
        var values = RegistrationFormPage().values(token: token, image: image)
        values["lang"] = lang
        return ByteBuffer(string: html("register", values))
    }

    /// The page `template` filled with `values` (plus the stylesheet and `lang`), as a response.
    func response(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok,
                  lang: String = "en") -> Response
    {
        var values = values
        values["lang"] = values["lang"] ?? lang
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html(template, values))))
    }

    /// The text of page `template` with `values` and the stylesheet.
    func html(_ template: String, _ values: [String: Any]) -> String {
        var values = values
        values["style"] = style
        values["script"] = script
        for (key, value) in site.values where values[key] == nil { values[key] = value }
        return library.render(values, withTemplate: template) ?? ""
    }
}

/// What every page may show of the service: its name, its support contact, the link's lifetime.
struct SiteValues: Sendable {
    /// `service.name`.
    var serviceName = "Accounts"
    /// `service.support_contact`: an email address, a URL, or empty.
    var supportContact = ""
    /// `activation.lifetime` in whole days.
    var lifetimeDays = 30

    init(serviceName: String = "Accounts", supportContact: String = "", lifetimeDays: Int = 30) {
        self.serviceName = serviceName
        self.supportContact = supportContact
        self.lifetimeDays = lifetimeDays
    }

    /// From the server's options.
    init(_ options: HTTPOptions) {
        self.init(serviceName: options.serviceName, supportContact: options.supportContact,
                  lifetimeDays: Int((options.activation.lifetime.timeInterval / 86_400).rounded()))
    }

    /// The template values.
    var values: [String: Any] {
        ["serviceName": serviceName, "supportContact": supportContact, "hasSupportContact": !supportContact.isEmpty,
         "supportIsMail": supportContact.contains("@") && !supportContact.contains("/"), "lifetimeDays": lifetimeDays]
    }
}
