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
    /// The CSP of every response: nothing from anywhere, the one stylesheet by hash, forms only
    /// to this origin, never in a frame.
    let contentSecurityPolicy: String

    /// Why a template directory was refused at start-up (better than a broken page later).
    struct TemplateError: Error, CustomStringConvertible {
        let description: String
    }

    init(directory: String?) throws {
        var sources = DefaultTemplates.all
        var style = DefaultStyle.css
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
        let hash = Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()
        self.contentSecurityPolicy = "default-src 'none'; style-src 'sha256-\(hash)'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    /// The page `template` filled with `values` (plus the stylesheet and `lang`), as a response.
    func response(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok,
                  lang: String = "en") -> Response
    {
        var values = values
        values["style"] = style
        values["lang"] = values["lang"] ?? lang
        let html = library.render(values, withTemplate: template) ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
