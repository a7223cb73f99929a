import Foundation
import Glibc
import TestSupport
import Testing

/// The test peers' start-up: a port another process holds is not taken for the peer's.
@Suite("Test peers on ports chosen in advance")
struct ServerProcessTests {
    /// A listening loopback socket on a port of the kernel's choice, as another process would hold it.
    static func listener() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ServerError(description: "cannot listen on loopback") }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test("smtp-sink on a port someone else listens on fails with EADDRINUSE instead of passing for ready")
    func takenPort() async throws {
        let directory = try TemporaryDirectory()
        let (fd, port) = try Self.listener()
        defer { close(fd) }
        do {
            let sink = try await ServerProcess.smtpSink(port: port, directory: directory)
            sink.stop()
            Issue.record("smtp-sink was taken for ready on a port another socket holds")
        } catch let error as ServerError {
            #expect(error.addressInUse, "\(error)")
        }
    }

    @Test("a chosen port is smtp-sink's own: it answers there")
    func ownPort() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(directory: directory)
        defer { sink.stop() }
        let fd = try #require(RawClient.connect(port: sink.port))
        defer { close(fd) }
        let banner = try await waitUntil("smtp-sink's banner", observe: { () -> String in
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : ""
        }) { $0.hasPrefix("220 ") }
        #expect(banner.hasPrefix("220 "))
    }
}
