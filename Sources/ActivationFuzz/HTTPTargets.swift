import ActivationCore
import ActivationHTTP
public import Foundation
import Hummingbird
import HummingbirdCore

extension FuzzTargets {
    /// The form bodies of the pages (`application/x-www-form-urlencoded`): the registration form
    /// and the activation form, decoded as `decodeBody` decodes them, then the registration through
    /// the rules as `POST /register` does.
    ///
    /// Properties: a decoded form, encoded again with the same codec's encoder, decodes to the
    /// same fields; the values the page shows again never include a password, its confirmation or
    /// the challenge answer; the rules' problems name only the form's fields.
    public static func httpForm(_ data: Data) throws {
        let target = "http-form"
        if let input = try? FormBody.decode(ActivationController.Input.self, from: data) {
            fuzzSink(input.token.map { try? ActivationToken.verify($0, keys: keys, now: Date(timeIntervalSince1970: 0)) })
        }
        guard let form = try? FormBody.decode(RegistrationForm.self, from: data) else { return }
        let values = fieldValues(form)
        let encoded = browserEncoded(values)
        guard let again = try? FormBody.decode(RegistrationForm.self, from: Data(encoded.utf8)) else {
            throw PropertyViolation(target, "a decoded form, encoded again as a browser does, decodes")
        }
        try require(fieldValues(again) == values, target,
                    "a decoded form, encoded again as a browser does, decodes to the same fields")
        for secret in ["password", "confirmPassword", "challengeAnswer", "challengeToken"] {
            try require(form.keptValue(secret).isEmpty, target, "the page never shows a password or the characters again")
        }
        let registration = form.registration(id: UUID(), submittedAt: Date(timeIntervalSince1970: 0), locale: "en")
        let problems = RegistrationRules.check(registration)
        let fields = Set(RegistrationForm.fields)
        for problem in problems {
            try require(fields.contains(problem.field), target, "the rules' problems name a form field")
        }
        fuzzSink((form.wantsRefresh, form.isFilledByBot, problems))
    }

    /// `values` as a browser sends a form (the WHATWG urlencoded serializer): a space as `+`, every
    /// byte but ASCII letters, digits and `*-._` as `%XX`. Not Hummingbird's `URLEncodedFormEncoder`,
    /// which leaves `+` as it is (so its own decoder reads a space): the pages only decode, and what
    /// they must decode right is what browsers send.
    static func browserEncoded(_ values: [String: String]) -> String {
        func encode(_ text: String) -> String {
            var out = ""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                     UInt8(ascii: "_"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                case UInt8(ascii: " "):
                    out += "+"
                default:
                    out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
            return out
        }
        return values.sorted { $0.key < $1.key }.map { "\(encode($0.key))=\(encode($0.value))" }.joined(separator: "&")
    }

    /// Every field of `form` that is present, by name.
    private static func fieldValues(_ form: RegistrationForm) -> [String: String] {
        let all: [String: String?] = [
            "username": form.username, "firstName": form.firstName, "lastName": form.lastName, "email": form.email,
            "confirmEmail": form.confirmEmail, "password": form.password, "confirmPassword": form.confirmPassword,
            "passwordPhrase": form.passwordPhrase, "challengeAnswer": form.challengeAnswer,
            "challengeToken": form.challengeToken, "acceptedConditions": form.acceptedConditions,
            "website": form.website, "action": form.action,
        ]
        return all.compactMapValues { $0 }
    }

    /// The query and path decoding of the pages: `GET /activate?token=…` as Hummingbird's URI
    /// reads it, the username of `GET /api/v1/usernames/{name}` after percent-decoding, and the
    /// registration's language from `Accept-Language`.
    ///
    /// Properties: a token from a query never verifies (nobody signed it) and is never reported
    /// expired; a username the live check calls well-formed is 5–16 ASCII letters and digits; the
    /// language chosen is always a simple language tag.
    public static func httpQuery(_ data: Data) throws {
        let target = "http-query"
        let text = String(decoding: data, as: UTF8.self)
        let uri = URI("/activate?" + text)
        let token = uri.queryParameters["token"].map(String.init)
        if let token {
            do {
                _ = try ActivationToken.verify(token, keys: keys, now: Date(timeIntervalSince1970: 0))
                throw PropertyViolation(target, "an unsigned token from a query is refused")
            } catch let error as TokenError {
                try require(error.code != .expired, target, "an unsigned token is never reported expired")
            }
        }
        fuzzSink(uri.path)

        let name = text.removingPercentEncoding ?? text
        if RegistrationRules.usernameProblems(name).isEmpty {
            try require((5...16).contains(name.utf8.count)
                        && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) },
                        target, "a well-formed username is 5 to 16 ASCII letters and digits")
        }

        let locale = AcceptLanguage.locale(from: text)
        try require(RegistrationDecoder.isLocaleTag(locale), target, "the registration's language is a language tag")
    }
}

extension String {
    /// The string with zeros in front, to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
