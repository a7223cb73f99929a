import ActivationCore
import Foundation
import CoreMetrics
import Logging

extension Courier {
    /// One attempt at one claimed row, on a transport worker thread: send it (or cancel it),
    /// then hand the outcome to the recorder, which logs the line once the outcome is written.
    func deliver(_ claim: OutboxClaim, over connection: any SMTPConnection) {
        // Stopping: a send not yet started is skipped; its lease is released at the end.
        guard !window.isStopped else {
            window.finish(1)
            return
        }
        let message = claim.message
        let started = now()
        let outcome: DeliveryOutcome
        let factory = factory.current
        var messageID = factory.composer.messageID(for: message.id)
        if let reason = Self.reasonNotToSend(claim, now: started) {
            outcome = .cancelled(reason: reason)
        } else if let leaseEnd = message.leaseExpiresAt,
                  leaseEnd.timeIntervalSince(started) < transport.sendTimeLimit.timeInterval
        {
            // Queued behind slow sends, the lease could run out during the send: another courier
            // could then claim the row and send it twice. Not sending it lets the lease lapse;
            // the row is due again then. (The window shrinks as sends slow down, so that this
            // stays rare.)
            logger.warning("lease too short to send", metadata: [
                LogKey.event: "\(EventName.courierLeaseShort)", LogKey.account: "\(message.accountID.lowercasedText)",
                LogKey.messageID: "\(messageID)",
            ])
            window.finish(1)
            return
        } else if let account = claim.account {
            do {
                let mail = try factory.mail(for: message, account: account, now: started)
                messageID = mail.messageID
                let clockStart = ContinuousClock.now
                let result = connection.send(mail.bytes, envelope: mail.envelope)
                let took = clockStart.duration(to: .now)
                metrics.sendDuration.recordNanoseconds(Self.nanoseconds(took))
                window.noteSend(took.timeInterval)
                outcome = schedule.outcome(of: result, attempts: message.attempts + 1, queuedAt: message.createdAt,
                                           now: now(), jitter: Double.random(in: 0...1))
            } catch {
                // Nothing an attempt later would change: the row's data cannot make a safe message.
                outcome = .failed(reply: error.description)
            }
        } else {
            preconditionFailure("reasonNotToSend covers a missing account")
        }
        let domain = claim.account.map { EmailAddress.domain(of: $0.email) } ?? ""
        recorder.record(DeliveryRecord(outcome, messageID: message.id, now: now())) { [messageID] result in
            let recorded: Bool
            switch result {
            case .success(let done):
                recorded = done
            case .failure(let error):
                recorded = false
                logger.error("cannot record delivery", metadata: [
                    LogKey.event: "\(EventName.courierStoreError)", LogKey.messageID: "\(messageID)",
                    LogKey.error: "\(error)",
                ])
            }
            count(outcome)
            log(outcome, message: message, messageID: messageID, domain: domain, recorded: recorded)
            window.finish(1)
        }
    }

    /// Why a claimed row must not be sent: its account is gone, already active, or its link expired.
    static func reasonNotToSend(_ claim: OutboxClaim, now: Date) -> String? {
        guard let account = claim.account else { return "account removed" }
        if account.state == .active { return "account already active" }
        if account.isExpired(at: now) { return "activation link expired" }
        return nil
    }

    private func count(_ outcome: DeliveryOutcome) {
        switch outcome {
        case .sent: metrics.sent.increment()
        case .deferred: metrics.deferred.increment()
        case .failed: metrics.failed.increment()
        case .cancelled: break
        }
    }

    /// The one line per attempt, the way Postfix logs a delivery.
    private func log(_ outcome: DeliveryOutcome, message: OutboxMessage, messageID: String, domain: String,
                     recorded: Bool) {
        let delay = max(0, now().timeIntervalSince(message.createdAt))
        var metadata: Logger.Metadata = [
            LogKey.account: "\(message.accountID.lowercasedText)",
            LogKey.messageID: "\(messageID)",
            LogKey.recipientDomain: "\(domain)",
            LogKey.relay: "\(transport.relay)",
            LogKey.attempts: "\(message.attempts + 1)",
            LogKey.delay: "\(Self.twoDecimals(delay))",
            // The store keeps the reply whole; the log line names recipients by domain only.
            LogKey.reply: "\(EmailAddress.redactingLocalParts(in: outcome.reply))",
        ]
        if !recorded { metadata[LogKey.recorded] = "false" }
        switch outcome {
        case .sent:
            metadata[LogKey.event] = "\(EventName.mailSent)"
            logger.info("mail sent", metadata: metadata)
        case .deferred(_, let retryAt):
            metadata[LogKey.event] = "\(EventName.mailDeferred)"
            metadata[LogKey.retryIn] = "\(String(format: "%.0f", max(0, retryAt.timeIntervalSince(now()))))"
            logger.warning("mail deferred", metadata: metadata)
        case .failed:
            metadata[LogKey.event] = "\(EventName.mailFailed)"
            logger.error("mail failed", metadata: metadata)
        case .cancelled:
            metadata[LogKey.event] = "\(EventName.mailCancelled)"
            logger.info("mail cancelled", metadata: metadata)
        }
    }

    /// `delay` with two decimals, like `%.2f` but without Foundation's `String(format:)`, which
    /// showed in the courier's profile (one call per mail).
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int64((max(0, value) * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
