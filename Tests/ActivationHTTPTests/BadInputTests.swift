import ActivationCore
import ActivationHTTP
import Foundation
import Prometheus
import ActivationStoreSQLite
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Bad input gets a clear answer")
struct BadInputTests {
    @Test func oversizedWrongTypeMalformedUnknown() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        try await fixture.withRouter { client in
            let big = try await client.postJSON("/api/v1/activations",
                                                #"{"token":"\#(String(repeating: "a", count: 100_000))"}"#)
            #expect(big.status == .contentTooLarge)
            #expect(big.json["error"] != nil)

            let text = try await client.execute(uri: "/api/v1/activations", method: .post,
                                                headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x"))
            #expect(text.status == .unsupportedMediaType)
            let noType = try await client.execute(uri: "/activate", method: .post, body: ByteBuffer(string: "x"))
            #expect(noType.status == .unsupportedMediaType)
            #expect(noType.headers[.contentType] == "text/html; charset=utf-8")

            for body in ["{", "[]", #"{"token": 5}"#, "\u{FF}"] {
                let malformed = try await client.postJSON("/api/v1/activations", body)
                #expect(malformed.status == .badRequest)
                let error = malformed.json["error"] as? [String: String]
                #expect(error?["code"] == "request.malformed_json")
            }

            let unknown = try await client.execute(uri: "/wp-admin.php", method: .get)
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("Page not found"))
            let unknownAPI = try await client.execute(uri: "/api/v1/nothing", method: .get)
            #expect(unknownAPI.status == .notFound)
            #expect(unknownAPI.json["error"] != nil)

            let headUnknown = try await client.execute(uri: "/nothing", method: .head)
            #expect(headUnknown.status == .notFound)
            #expect(headUnknown.body.readableBytes == 0)

            let wrongMethod = try await client.execute(uri: "/activate", method: .delete)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET, HEAD, POST")
            let getOnPost = try await client.execute(uri: "/api/v1/activations", method: .get)
            #expect(getOnPost.status == .methodNotAllowed)
            #expect(getOnPost.headers[.contentSecurityPolicy] != nil)
        }
    }

    @Test("an unknown path is 404 whatever its method; 405 only for a known path with the wrong method")
    func unknownPathsAreNotFound() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        try await fixture.withRouter { client in
            for path in ["/api/v1/usernames/", "/api/v1/usernames/a/b", "/api/v1/usernames//", "/metrics"] {
                for method in [HTTPRequest.Method.get, .head, .post] {
                    let answer = try await client.execute(uri: path, method: method)
                    #expect(answer.status == .notFound, "\(method) \(path)")
                    #expect(answer.headers[.allow] == nil, "\(method) \(path)")
                }
            }
            let wrongMethod = try await client.execute(uri: "/api/v1/usernames/abcdef", method: .post)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET, HEAD")
            let health = try await client.execute(uri: "/healthz", method: .post)
            #expect(health.status == .methodNotAllowed)
        }
    }

    @Test("every route the router declares answers a method it does not take with 405 and an Allow naming the ones it does: the 405 list comes from the router, so a new route needs no second list")
    func everyRouteAnswers405() async throws {
        let page = try await RegisterPageTests.Page()
        defer { page.fixture.cleanUp() }
        let server = try ActivationServer(options: page.options, store: page.fixture.store, keys: page.fixture.keys,
                                          logger: Logger(label: "routes"), metrics: PrometheusCollectorRegistry())
        var declared: [String: Set<String>] = [:]
        for route in server.router.routes {
            // A capture stands for any one segment: a name the username route accepts.
            let path = "/" + route.path.components.map { "\($0)".hasPrefix("{") ? "abcdef" : "\($0)" }.joined(separator: "/")
            declared[path, default: []].insert(route.method.rawValue)
        }
        #expect(declared.keys.contains("/register") && declared.keys.contains("/api/v1/usernames/abcdef"),
                "\(declared.keys.sorted())")
        try await page.fixture.withRouter(page.options) { [declared] client in
            for (path, methods) in declared {
                let answer = try await client.execute(uri: path, method: .patch)
                #expect(answer.status == .methodNotAllowed, "PATCH \(path)")
                let allowed = Set((answer.headers[.allow] ?? "").split(separator: ", ").map(String.init))
                #expect(methods.isSubset(of: allowed), "\(path): Allow \(allowed), routes \(methods)")
                #expect(allowed.contains("HEAD") == methods.contains("GET"), "\(path): \(allowed)")
            }
        }
    }

    @Test("a request head over http.maximal_header_size is answered 431, one within it is routed")
    func oversizedHead() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        var options = HTTPOptions()
        options.connections.maximalHeaderSize = 4096
        try await fixture.withServer(options) { client in
            let within = try await client.execute(uri: "/activate?token=" + String(repeating: "A", count: 3000), method: .get)
            #expect(within.status == .badRequest)
            let over = try? await client.execute(uri: "/activate?token=" + String(repeating: "A", count: 20_000), method: .get)
            #expect(over == nil || over?.status == .requestHeaderFieldsTooLarge, "\(String(describing: over?.status))")
            let headers = HTTPFields((0..<100).map { HTTPField(name: HTTPField.Name("X-Pad-\($0)")!, value: String(repeating: "p", count: 60)) })
            let padded = try? await client.execute(uri: "/healthz", method: .get, headers: headers)
            #expect(padded == nil || padded?.status == .requestHeaderFieldsTooLarge, "\(String(describing: padded?.status))")
        }
    }
}
