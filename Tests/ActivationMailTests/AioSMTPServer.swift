import TestSupport
import Foundation

/// An aiosmtpd server (Debian's python3-aiosmtpd, run with /usr/bin/python3) for what smtp-sink
/// cannot do: STARTTLS, AUTH, implicit TLS, a reply naming a refused recipient, and RFC 5321's
/// line limit (a line over 1,000 octets in DATA is answered `500 Line too long`, as relays do).
/// Mail it accepts is written to `<dir>/mail-N.eml`; a recipient whose local part is `reject` is
/// refused with `550 5.1.1 <address>: Recipient address rejected: User unknown`, Postfix's wording.
enum AioSMTPServer {
    /// - Parameters:
    ///   - mode: `plain` (no STARTTLS), `starttls` (offers it) or `smtps` (TLS from the first byte).
    ///   - auth: require AUTH with user `courier`, password `s3cret`.
    ///
    /// The port is chosen before the server starts and retried when it was taken meanwhile
    /// (`ServerProcess.start`): the server's `port`.
    static func start(mode: String, auth: Bool, directory: TemporaryDirectory) async throws -> ServerProcess {
        if mode != "plain" { try makeCertificate(directory) }
        let script = directory.path("server.py")
        try source.write(toFile: script, atomically: true, encoding: .utf8)
        return try await ServerProcess.start("/usr/bin/python3", directory: directory) { port in
            [script, "\(port)", mode, auth ? "auth" : "noauth", directory.url.path]
        }
    }

    /// A self-signed certificate for 127.0.0.1 in `cert.pem` / `key.pem`; `cert.pem` is also the CA file.
    static func makeCertificate(_ directory: TemporaryDirectory) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory.path("key.pem"),
                             "-out", directory.path("cert.pem")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard waitForExit(process) == 0 else { throw ServerError(description: "openssl failed") }
    }

    static let source = #"""
    import asyncio, ssl, sys, time
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    port, mode, auth, directory = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "auth", sys.argv[4]
    count = 0

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            global count
            count += 1
            with open(f"{directory}/mail-{count}.eml", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            return "250 2.0.0 Ok: queued as AIO%d" % count

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower().startswith("reject@"):
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 Ok"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"courier" and auth_data.password == b"s3cret"
        return AuthResult(success=ok)

    context = None
    if mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(f"{directory}/cert.pem", f"{directory}/key.pem")
    kwargs = dict(hostname="127.0.0.1", port=port)
    if mode == "starttls":
        kwargs.update(tls_context=context, require_starttls=False)
    # aiosmtpd counts only STARTTLS as TLS for auth_require_tls, so smtps must not require it.
    if mode == "smtps":
        kwargs.update(ssl_context=context)
    if auth:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=(mode == "starttls"))
    controller = Controller(Handler(), **kwargs)
    controller.start()
    while True:
        time.sleep(3600)
    """#
}
