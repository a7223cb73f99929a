import ActivationCore
import ActivationMail
import ActivationStoreSQLite
import Foundation

/// The courier's parts alone: composition, and the store's claims and records.
enum ComponentBench {
    /// `MailFactory.mail` `count` times for the same account: µs per mail, wall and CPU.
    static func compose(_ count: Int) throws -> String {
        let now = Date()
        let (_, account) = Bench.account(1, now: now)
        let message = OutboxMessage.queued(.activation, for: account.id, now: now)
        var bytes = 0
        let started = ContinuousClock.now
        let cpuStarted = Bench.processCPU()
        for _ in 0..<count { bytes &+= try Bench.factory.mail(for: message, account: account, now: now).bytes.count }
        let micros = Bench.seconds(started.duration(to: .now)) * 1e6
        // CPU time too: one thread, so it is the cost of a mail whatever else the machine runs.
        let cpu = (Bench.processCPU() - cpuStarted) / Double(count)
        return "{\"mode\":\"compose\",\"compose_us_per_mail\":\(Bench.format(micros / Double(count), 2)),"
            + "\"compose_cpu_us_per_mail\":\(Bench.format(cpu, 2)),\"bytes\":\(bytes / count)}"
    }

    /// Claims `batch` rows at a time and records them sent, until the outbox is drained: wall
    /// time per row of each, and the process's CPU time per row.
    static func store(_ count: Int, batch: Int) async throws -> String {
        let (store, directory) = try await Bench.store(accounts: count)
        defer { try? FileManager.default.removeItem(at: directory) }
        var claimTime = Duration.zero
        var recordTime = Duration.zero
        var claimed = 0
        let cpuStarted = Bench.processCPU()
        while true {
            var started = ContinuousClock.now
            let claims = try await store.claimOutbox(owner: "bench", limit: batch, lease: .seconds(300), now: Date())
            claimTime += started.duration(to: .now)
            if claims.isEmpty { break }
            claimed += claims.count
            started = .now
            let records = claims.map {
                DeliveryRecord(.sent(reply: "250 2.0.0 Ok: queued as 4F2A1B3C"), messageID: $0.message.id, now: Date())
            }
            _ = try await store.recordDeliveries(records, owner: "bench")
            recordTime += started.duration(to: .now)
        }
        let cpu = (Bench.processCPU() - cpuStarted) / Double(claimed)
        return "{\"mode\":\"store\",\"batch\":\(batch),"
            + "\"claim_us_per_row\":\(Bench.format(Bench.seconds(claimTime) * 1e6 / Double(claimed))),"
            + "\"record_us_per_row\":\(Bench.format(Bench.seconds(recordTime) * 1e6 / Double(claimed))),"
            + "\"cpu_us_per_row\":\(Bench.format(cpu))}"
    }
}
