import ActivationHTTP
@testable import ActivationDaemon
import Foundation
import Testing

@Suite("configuration of the listeners")
struct ListenerConfigurationTests {
    @Test("connection limits and the operator listener: defaults, and values from the file")
    func values() async throws {
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        let defaults = try await fixture.load().httpOptions
        #expect(defaults.connections == ConnectionLimits(maximalConnections: 512, idleTimeout: .seconds(30),
                                                         headerTimeout: .seconds(10), bodyTimeout: .seconds(10),
                                                         maximalHeaderSize: 16384))
        #expect(defaults.operatorListen == ListenAddress(host: "127.0.0.1", port: 9464))
        try fixture.write("""
            http:
              maximal_connections: 100
              idle_timeout: "5s"
              header_timeout: "2s"
              body_timeout: "3s"
              maximal_header_size: 4096
            metrics:
              listen: ""
            """)
        let changed = try await fixture.load().httpOptions
        #expect(changed.connections == ConnectionLimits(maximalConnections: 100, idleTimeout: .seconds(5),
                                                        headerTimeout: .seconds(2), bodyTimeout: .seconds(3),
                                                        maximalHeaderSize: 4096))
        #expect(changed.operatorListen == nil, "an empty metrics.listen turns the operator listener off")
    }

    @Test("each bad value names its key (exit 78)", arguments: [
        ("http:\n  maximal_connections: 0\n", "http.maximal_connections", "between"),
        ("http:\n  idle_timeout: \"0s\"\n", "http.idle_timeout", "longer than 0s"),
        ("http:\n  header_timeout: ten\n", "http.header_timeout", "duration"),
        ("http:\n  body_timeout: \"0s\"\n", "http.body_timeout", "longer than 0s"),
        ("http:\n  maximal_header_size: 100\n", "http.maximal_header_size", "between"),
        ("metrics:\n  listen: \"localhost\"\n", "metrics.listen", "host:port"),
        ("metrics:\n  listen: \"127.0.0.1:8080\"\n", "metrics.listen", "differ from http.listen"),
    ])
    func badValues(yaml: String, key: String, problem: String) async throws {
        let fixture = try ConfigurationFixture(yaml)
        defer { fixture.cleanUp() }
        do {
            _ = try await fixture.load()
            Issue.record("\(key) was accepted")
        } catch {
            #expect(error.key == key)
            #expect(error.problem.contains(problem), "\(error)")
        }
    }

    @Test("the connection cap fits under the file limit beside the reserve, or is lowered")
    func fileLimit() {
        #expect(FileLimit.connections(wanted: 512, operatorConnections: 16, fileLimit: 8192) == 512)
        #expect(FileLimit.connections(wanted: 512, operatorConnections: 16, fileLimit: 1024) == 512)
        #expect(FileLimit.connections(wanted: 2000, operatorConnections: 16, fileLimit: 1024) == 1024 - 256 - 16)
        #expect(FileLimit.connections(wanted: 512, operatorConnections: 0, fileLimit: 300) == 44)
        #expect(FileLimit.connections(wanted: 512, operatorConnections: 16, fileLimit: 256) == nil)
        #expect(FileLimit.raiseToHardLimit() >= 1024)
    }
}
