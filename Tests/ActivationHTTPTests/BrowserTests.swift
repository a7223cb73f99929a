import ActivationCore
import ActivationHTTP
import Foundation
import Prometheus
import NIOCore
import ActivationStoreSQLite
import HummingbirdTesting
import Testing

@Suite("Headless Chromium renders the pages")
struct BrowserTests {
    @Test(.timeLimit(.minutes(2)))
    func landingAndResultPagesRender() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
                "chromium is missing: run scripts/bootstrap.sh test")
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (_, token) = try await fixture.register("jdoe2026")
        let (active, activeToken) = try await fixture.register("active01")
        _ = try await fixture.store.activate(accountID: active.id, nonce: active.nonce, now: HTTPFixture.registeredAt)
        try await fixture.withServer { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let landing = "\(base)/activate?token=\(token)"

            let dom = try await Chromium.dumpDOM(landing)
            #expect(dom.contains(HTTPFixture.phrase))
            #expect(dom.contains("If you don't see your phrase, don't provide your password!"))
            #expect(dom.contains(#"<form method="post" action="activate">"#))
            #expect(dom.contains(#"type="password""#))
            #expect(dom.contains("Activate my account"))

            try await Chromium.screenshot(landing, name: "landing-phone")
            try await Chromium.screenshot(landing, name: "landing-desktop", size: "1200,900")
            try await Chromium.screenshot("\(base)/activate?token=\(activeToken)", name: "already-active")
            try await Chromium.screenshot("\(base)/activate?token=broken", name: "invalid")

            // POST results cannot be reached by URL: save the server's answers and open them.
            let wrong = try await client.postForm("/activate", ["token": token, "password": "Wrong1pass"])
            let activated = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            for (name, html) in [("wrong-password", wrong.text), ("activated", activated.text)] {
                let file = Chromium.outputDirectory.appendingPathComponent("\(name).html")
                try html.write(to: file, atomically: true, encoding: .utf8)
                try await Chromium.screenshot(file.absoluteString, name: name)
            }
            let activatedDOM = try await Chromium.dumpDOM(
                Chromium.outputDirectory.appendingPathComponent("activated.html").absoluteString)
            #expect(activatedDOM.contains("Your account is active"))
        }
        for name in ["landing-phone", "landing-desktop", "already-active", "invalid", "wrong-password", "activated"] {
            let file = Chromium.outputDirectory.appendingPathComponent("\(name).png")
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            #expect(size > 1_000, "screenshot \(name).png is missing or empty")
        }
    }
}
