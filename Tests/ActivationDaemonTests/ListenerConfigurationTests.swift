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
