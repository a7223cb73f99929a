import TestSupport
import ActivationDaemon
import ActivationMail
import Foundation
import Testing

@Suite("activationd send-test")
struct SendTestCommandTests {
    @Test("prints the server's reply on success, and the refusal on a 5xx")
    func sendTest() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(directory: directory)
        let port = sink.port
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 1))
        var out: [String] = []
        let ok = await SendTestCommand.run(to: "ops@example.net", from: MailFixtures.sender, transport: transport) { out.append($0) }
        sink.stop()
        let refusing = try await ServerProcess.smtpSink(port: port, options: ["-f", "RCPT"], directory: directory)
        defer { refusing.stop() }
        let refused = await SendTestCommand.run(to: "ops@example.net", from: MailFixtures.sender, transport: transport) { out.append($0) }
        let bad = await SendTestCommand.run(to: "ops@example.net\r\nRCPT TO:<x@y.org>", from: MailFixtures.sender,
                                            transport: transport) { out.append($0) }
        await transport.shutdown()
        #expect(ok == 0 && out[0].hasPrefix("sent: 250 2.0.0 Ok"), "\(out)")
        #expect(refused == 69 && out[1].hasPrefix("failed: 5"), "\(out)")
        #expect(bad == 65 && out[2].hasPrefix("failed: mail refused"), "\(out)")
    }

    @Test("signs the test mail with the DKIM keys, as the courier does, and dkimpy verifies it")
    func signedTestMail() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", directory.path("%H%M%S.")],
                                              directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 1))
        let keys = DKIMTests.keys
        let status = await SendTestCommand.run(to: "ops@example.net", from: MailFixtures.sender, transport: transport,
                                               dkim: DKIMSigner(keys: [keys.rsa, keys.ed25519])) { _ in }
        await transport.shutdown()
        #expect(status == 0)
        let dumped = try #require(dumpedMessages(in: directory.url.path).first)
        // smtp-sink's dump starts with its own envelope lines; the message begins at the signature.
        let message = try #require(dumped.range(of: "DKIM-Signature: ")).lowerBound
        let results = try await DKIMVerifier.verify(Array(dumped[message...].utf8), recordsFile: keys.records,
                                                    in: directory)
        #expect(results.count == 2 && results.allSatisfy { $0.ok }, "\(results)")
    }
}
