import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered with a status and a JSON body `{"error": {"code", "message"}}`.
/// The message is fixed text; it never quotes the request (which may hold a token or password).
struct APIError: HTTPResponseError, Sendable {
    /// The response status.
    let status: HTTPResponse.Status
    /// A stable code such as `request.malformed_json`.
    let code: String
    /// A sentence for the developer reading the response.
    let message: String
    /// Extra response headers (`Retry-After`, `Allow`).
    let headers: HTTPFields

    /// An error answered with `status`.
    init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The JSON response.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONBody.response(["error": ["code": code, "message": message]], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

/// JSON responses from plain dictionaries, without Codable boilerplate for small answers.
enum JSONBody {
    static func response(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
