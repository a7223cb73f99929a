// courier-bench — the courier's throughput, and the parts it is made of. Each mode prints one
// JSON line. scripts/bench-courier.sh runs the first two beside smtp-source against smtp-sink.
//
//   courier-bench PORT CONNECTIONS MESSAGES          the Courier draining MESSAGES queued mails from
//                                                    a fresh SQLite store; rate, CPU per mail, RSS
//   courier-bench libcurl PORT CONNECTIONS MESSAGES  bare libcurl sending the same message: the
//                                                    transport's ceiling
//   courier-bench compose MESSAGES                   MailFactory.mail alone, µs per mail
//   courier-bench store MESSAGES [BATCH]             claims and records alone, in batches of BATCH
//
// Environment: WINDOW overrides the courier's window; READY_MARKER names a file created when the
// setup is done (to start `perf record -p` on the measured phase only); DKIM=rsa|ed25519|both
// signs every mail (scripts/bench-dkim.sh).
import ActivationCore
import ActivationDaemon
import ActivationMail
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let numbers = arguments.compactMap { Int($0) }
switch arguments.first {
case "libcurl" where numbers.count == 3:
    let mail = try Bench.sampleMail()
    let cpuStarted = Bench.processCPU()
    let rate = BareLibcurl.rate(port: numbers[0], connections: numbers[1], messages: numbers[2], message: mail.bytes)
    let cpu = (Bench.processCPU() - cpuStarted) / Double(numbers[2])
    print("{\"mode\":\"libcurl\",\"connections\":\(numbers[1]),\"rate\":\(Bench.format(rate, 0)),"
        + "\"cpu_us_per_mail\":\(Bench.format(cpu)),\"message_bytes\":\(mail.bytes.count)}")
case "compose" where numbers.count == 1:
    print(try ComponentBench.compose(numbers[0]))
case "store" where (1...2).contains(numbers.count):
    print(try await ComponentBench.store(numbers[0], batch: numbers.count == 2 ? numbers[1] : 32))
case _ where numbers.count == 3 && arguments.count == 3:
    print(try await CourierDrain.run(port: numbers[0], connections: numbers[1], messages: numbers[2]))
default:
    FileHandle.standardError.write(Data("""
        usage: courier-bench PORT CONNECTIONS MESSAGES | libcurl PORT CONNECTIONS MESSAGES
               | compose MESSAGES | store MESSAGES [BATCH]

        """.utf8))
    exit(64)
}
