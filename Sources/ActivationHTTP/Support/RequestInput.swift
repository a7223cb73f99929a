package import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The body formats the routes accept.
enum BodyFormat {
    case form
    case json
}

extension Request {
    /// The request's body format, or 415 if it is neither of `accepted`.
    func bodyFormat(accepting accepted: Set<BodyFormat>) throws -> BodyFormat {
        let mediaType = headers[.contentType].flatMap(MediaType.init(from:))
        if let mediaType, mediaType.isType(.applicationUrlEncoded), accepted.contains(.form) { return .form }
        if let mediaType, mediaType.isType(.applicationJson), accepted.contains(.json) { return .json }
        throw APIError(.unsupportedMediaType, code: "request.content_type",
                       message: "Send \(accepted.contains(.json) ? "application/json" : "")"
                           + "\(accepted.count == 2 ? " or " : "")"
                           + "\(accepted.contains(.form) ? "application/x-www-form-urlencoded" : "").")
    }

    /// Decodes the body as `format`, after reading at most `limit` bytes (413 beyond).
    /// Malformed input is a 400 with a JSON error that never quotes the input.
    func decodeBody<T: Decodable>(_ type: T.Type, as format: BodyFormat, limit: Int) async throws -> T {
        let buffer = try await body.collect(upTo: limit)
        let data = Data(buffer.readableBytesView)
        do {
            switch format {
            case .json:
                return try JSONDecoder().decode(type, from: data)
            case .form:
                return try FormBody.decode(type, from: data)
            }
        } catch {
            throw APIError(.badRequest, code: format == .json ? "request.malformed_json" : "request.malformed_form",
                           message: format == .json ? "The body is not the JSON object this route expects."
                                                    : "The form is not one this route expects.")
        }
    }
}

/// An `application/x-www-form-urlencoded` body, decoded without a request: the pure step of
/// `decodeBody`, which `make fuzz` feeds hostile bytes.
package enum FormBody {
    /// Decodes `data` as a UTF-8 form into `type`; throws on anything else.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard let text = String(data: data, encoding: .utf8) else { throw FormInputError() }
        return try URLEncodedFormDecoder().decode(type, from: text)
    }
}

/// A form body that is not UTF-8.
private struct FormInputError: Error {}
