import ActivationCore
import ActivationMail
import Foundation
import Testing

@Suite("Retry schedule")
struct RetryScheduleTests {
    let schedule = RetrySchedule(CourierOptions(minimalBackoff: .seconds(30), maximalBackoff: .seconds(3600),
                                                maximalQueueLifetime: .seconds(2 * 86_400)))
    let queued = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("the wait doubles per attempt, between half and all of its ceiling, never below the minimum")
    func exponential() {
        #expect(schedule.backoff(afterAttempts: 1, jitter: 0) == .seconds(30), "minimum wins over half of 30 s")
        #expect(schedule.backoff(afterAttempts: 1, jitter: 1) == .seconds(30))
        #expect(schedule.backoff(afterAttempts: 2, jitter: 0) == .seconds(30))
        #expect(schedule.backoff(afterAttempts: 2, jitter: 1) == .seconds(60))
        #expect(schedule.backoff(afterAttempts: 4, jitter: 0) == .seconds(120))
        #expect(schedule.backoff(afterAttempts: 4, jitter: 0.5) == .seconds(180))
        #expect(schedule.backoff(afterAttempts: 4, jitter: 1) == .seconds(240))
    }

    @Test("the wait never exceeds the maximal backoff, however many attempts")
    func capped() {
        for attempts in [8, 9, 20, 100, Int.max] {
            let wait = schedule.backoff(afterAttempts: attempts, jitter: 1)
            #expect(wait == .seconds(3600))
            #expect(schedule.backoff(afterAttempts: attempts, jitter: 0) == .seconds(1800))
        }
    }

    @Test("sent, 5xx and 4xx map to sent, failed and deferred")
    func outcomes() {
        let now = queued.addingTimeInterval(10)
        #expect(schedule.outcome(of: SMTPResult(status: .sent, reply: "250 2.0.0 Ok"), attempts: 1, queuedAt: queued,
                                 now: now, jitter: 0.5) == .sent(reply: "250 2.0.0 Ok"))
        #expect(schedule.outcome(of: SMTPResult(status: .permanentFailure, reply: "550 5.1.1 unknown"), attempts: 1,
                                 queuedAt: queued, now: now, jitter: 0.5) == .failed(reply: "550 5.1.1 unknown"))
        #expect(schedule.outcome(of: SMTPResult(status: .temporaryFailure, reply: "451 later"), attempts: 3,
                                 queuedAt: queued, now: now, jitter: 1)
            == .deferred(reply: "451 later", retryAt: now.addingTimeInterval(120)))
    }

    @Test("a temporary failure past the queue lifetime fails the mail")
    func lifetime() {
        let justBefore = queued.addingTimeInterval(2 * 86_400 - 1)
        let result = SMTPResult(status: .temporaryFailure, reply: "421 busy")
        guard case .deferred = schedule.outcome(of: result, attempts: 40, queuedAt: queued, now: justBefore, jitter: 0)
        else { Issue.record("still within the lifetime"); return }
        let outcome = schedule.outcome(of: result, attempts: 41, queuedAt: queued,
                                       now: queued.addingTimeInterval(2 * 86_400), jitter: 0)
        #expect(outcome == .failed(reply: "queue lifetime exceeded; last reply: 421 busy"))
    }
}
