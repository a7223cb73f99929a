import TestSupport
import ActivationCore
import ActivationMail
import Foundation
import Testing

@Suite("STARTTLS, AUTH and smtps against aiosmtpd")
struct TLSAuthTests {
    func send(_ options: SMTPOptions) async throws -> SMTPResult {
        let transport = try CurlSMTPTransport(options: options)
        let account = MailFixtures.account()
        let mail = try MailFixtures.factory().mail(for: .queued(.activation, for: account.id, now: MailFixtures.now),
                                                   account: account, now: MailFixtures.now)
        let result = await transport.send(mail.bytes, envelope: mail.envelope)
        await transport.shutdown()
        return result
    }

    func delivered(_ directory: TemporaryDirectory) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.url.path)) ?? []).filter { $0.hasSuffix(".eml") }.count
    }

    @Test("STARTTLS required: refused, nothing sent in clear, when the server does not offer it")
    func requiredButNotOffered() async throws {
        let directory = try TemporaryDirectory()
        let server = try await AioSMTPServer.start(mode: "plain", auth: false, directory: directory)
        defer { server.stop() }
        let result = try await send(SMTPOptions(url: "smtp://127.0.0.1:\(server.port)", startTLS: .required, timeout: .seconds(5)))
        #expect(result.status == .temporaryFailure, "\(result.reply)")
        #expect(delivered(directory) == 0)
        // Opportunistic sends in clear to the same server.
        let clear = try await send(SMTPOptions(url: "smtp://127.0.0.1:\(server.port)", startTLS: .opportunistic, timeout: .seconds(5)))
        #expect(clear.status == .sent, "\(clear.reply)")
        #expect(delivered(directory) == 1)
    }

    @Test("STARTTLS required with the server's CA file, and AUTH accepted")
    func requiredAndAuth() async throws {
        let directory = try TemporaryDirectory()
        let server = try await AioSMTPServer.start(mode: "starttls", auth: true, directory: directory)
        defer { server.stop() }
        let result = try await send(SMTPOptions(url: "smtp://127.0.0.1:\(server.port)", startTLS: .required,
                                                username: "courier", password: "s3cret", timeout: .seconds(5),
                                                caFile: directory.path("cert.pem")))
        #expect(result.status == .sent, "\(result.reply)")
        #expect(result.reply.hasPrefix("250 2.0.0 Ok: queued as AIO"), "\(result.reply)")
        #expect(delivered(directory) == 1)
    }

    @Test("AUTH denied is a temporary failure (the password file may be fixed), and the password is not in the reply")
    func authDenied() async throws {
        let directory = try TemporaryDirectory()
        let server = try await AioSMTPServer.start(mode: "starttls", auth: true, directory: directory)
        defer { server.stop() }
        let result = try await send(SMTPOptions(url: "smtp://127.0.0.1:\(server.port)", startTLS: .required,
                                                username: "courier", password: "wrong-Pa55", timeout: .seconds(5),
                                                caFile: directory.path("cert.pem")))
        #expect(result.status == .temporaryFailure, "\(result.reply)")
        #expect(!result.reply.contains("wrong-Pa55"))
        #expect(delivered(directory) == 0)
    }

    @Test("a certificate that the CA file does not vouch for is refused")
    func untrustedCertificate() async throws {
        let directory = try TemporaryDirectory()
        let server = try await AioSMTPServer.start(mode: "starttls", auth: false, directory: directory)
        defer { server.stop() }
        let result = try await send(SMTPOptions(url: "smtp://127.0.0.1:\(server.port)", startTLS: .required, timeout: .seconds(5)))
        #expect(result.status == .temporaryFailure, "\(result.reply)")
        #expect(delivered(directory) == 0)
    }

    @Test("smtps: TLS from the first byte")
    func smtps() async throws {
        let directory = try TemporaryDirectory()
        let server = try await AioSMTPServer.start(mode: "smtps", auth: true, directory: directory)
        defer { server.stop() }
        let result = try await send(SMTPOptions(url: "smtps://127.0.0.1:\(server.port)", username: "courier",
                                                password: "s3cret", timeout: .seconds(5), caFile: directory.path("cert.pem")))
        #expect(result.status == .sent, "\(result.reply)")
        #expect(delivered(directory) == 1)
    }
}
