import ActivationDaemon
import ArgumentParser
import Foundation

struct KeysSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the activation-link signing keys and the DKIM keys.",
        discussion: """
            Example:
              activationd keys generate
              activationd keys dkim --domain example.org --selector mail2026 --out /etc/activationd/dkim.key
            """,
        subcommands: [Generate.self, DKIM.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one new line for the keys file: <key-id> <base64 secret>.",
            discussion: """
                The first line of the keys file signs new links; every line verifies. To rotate, put \
                the new line first and drop the old line once the activation lifetime has passed.

                Example:
                  activationd keys generate > /etc/activationd/signing.keys
                  chmod 0600 /etc/activationd/signing.keys
                """
        )

        func run() {
            print(KeysCommand.generateLine())
        }
    }

    struct DKIM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dkim",
            abstract: "Write a new DKIM private key (PEM, mode 0600) and print the DNS TXT record to publish.",
            discussion: """
                An existing file is overwritten only when it is empty (as the package leaves \
                /etc/activationd/dkim.key) or with --force. The record is printed as a zone-file line, its text \
                split in strings of at most 255 bytes. RSA keys have 2048 bits; Ed25519 keys \
                (RFC 8463) are for a second signature beside RSA (dkim.ed25519_private_key_file).

                Example:
                  activationd keys dkim --domain example.org --selector mail2026 --out /etc/activationd/dkim.key
                """
        )

        @Option(help: "The signing domain (d=), normally the domain of smtp.from.")
        var domain: String

        @Option(help: "The selector (s=): the record is <selector>._domainkey.<domain>.")
        var selector: String

        @Option(help: "rsa (2048 bits) or ed25519.")
        var algorithm: String = "rsa"

        @Option(help: "Where to write the private key; must not exist, or be empty (as the package leaves it).")
        var out: String

        @Flag(help: "Replace a key already in --out (the published record stops verifying it).")
        var force = false

        func run() throws {
            let outcome = KeysCommand.generateDKIM(domain: domain, selector: selector, algorithm: algorithm, path: out,
                                                   force: force)
            if !outcome.output.isEmpty { print(outcome.output) }
            if let error = outcome.error { FileHandle.standardError.write(Data("activationd: \(error)\n".utf8)) }
            if outcome.status != .ok { throw ExitCode(outcome.status.rawValue) }
        }
    }
}
