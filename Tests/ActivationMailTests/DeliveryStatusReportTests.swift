import Foundation
@testable import ActivationMail
import Testing

/// RFC 3464 reports as Postfix writes them (its bounce(8) layout), and what is not one.
struct DeliveryStatusReportTests {
    static func postfixBounce(deliveredTo: String = "bounce+0f8e3c2a9b7d4e1f8a6b5c4d3e2f1a0b@example.org",
                              reportType: String = "delivery-status", action: String = "failed",
                              status: String = "5.1.1") -> Data
    {
        Data("""
            Return-Path: <>
            Delivered-To: \(deliveredTo)
            Received: by mx.example.org (Postfix) id 4A1B2C3D4E; Thu,  3 Dec 2026 15:00:01 +0000 (UTC)
            Date: Thu,  3 Dec 2026 15:00:01 +0000 (UTC)
            From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            To: \(deliveredTo)
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=\(reportType);
            \tboundary="4A1B2C3D4E.1764774001/mx.example.org"

            This is a MIME-encapsulated message.

            --4A1B2C3D4E.1764774001/mx.example.org
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients.

            --4A1B2C3D4E.1764774001/mx.example.org
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.org
            X-Postfix-Queue-ID: 4A1B2C3D4E
            X-Postfix-Sender: rfc822; \(deliveredTo)
            Arrival-Date: Thu,  3 Dec 2026 15:00:00 +0000 (UTC)

            Final-Recipient: rfc822; jane.doe@Mail.Example.NET
            Original-Recipient: rfc822;jane.doe@mail.example.net
            Action: \(action)
            Status: \(status)
            Remote-MTA: dns; mail.example.net
            Diagnostic-Code: smtp; 550 5.1.1 <jane.doe@mail.example.net>: Recipient address
                rejected: User unknown in virtual mailbox table

            --4A1B2C3D4E.1764774001/mx.example.org
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers

            From: Accounts <no-reply@example.org>
            Subject: Activate your account

            --4A1B2C3D4E.1764774001/mx.example.org--

            """.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    @Test func readsPostfixBounce() throws {
        let report = try DeliveryStatusParser.parse(Self.postfixBounce(), localPart: "bounce").get()
        #expect(report.rowToken == "0f8e3c2a9b7d4e1f8a6b5c4d3e2f1a0b")
        #expect(report.action == "failed" && report.isPermanentFailure)
        #expect(report.status == "5.1.1")
        #expect(report.diagnostic == "550 5.1.1 <jane.doe@mail.example.net>: Recipient address rejected: "
            + "User unknown in virtual mailbox table")
        #expect(report.recipientDomain == "mail.example.net")
    }

    @Test func delayedIsNotPermanent() throws {
        let report = try DeliveryStatusParser.parse(Self.postfixBounce(action: "delayed", status: "4.4.1"),
                                                    localPart: "bounce").get()
        #expect(!report.isPermanentFailure && report.status == "4.4.1")
    }

    @Test func refusesWhatIsNotAReport() {
        #expect(DeliveryStatusParser.parse(Data("Subject: hello\n\nhi\n".utf8), localPart: "bounce")
            == .failure(.notADeliveryStatusNotification))
        #expect(DeliveryStatusParser.parse(Self.postfixBounce(reportType: "disposition-notification"),
                                           localPart: "bounce") == .failure(.notADeliveryStatusNotification))
        #expect(DeliveryStatusParser.parse(Self.postfixBounce(deliveredTo: "postmaster@example.org"),
                                           localPart: "bounce") == .failure(.noRowToken))
        // Another local part that merely ends like ours is not ours.
        #expect(DeliveryStatusParser.parse(Self.postfixBounce(deliveredTo: "notbounce+abc@example.org"),
                                           localPart: "bounce") == .failure(.noRowToken))
        #expect(DeliveryStatusParser.parse(Self.postfixBounce(deliveredTo: "bounce+a%b@example.org"),
                                           localPart: "bounce") == .failure(.noRowToken))
    }

    @Test func hostileTextIsMadeOneLine() throws {
        let data = String(decoding: Self.postfixBounce(), as: UTF8.self)
            .replacingOccurrences(of: "Recipient address\r\n    rejected", with: "Recipient\u{7}\u{1b}[31m rejected")
        let report = try DeliveryStatusParser.parse(Data(data.utf8), localPart: "bounce").get()
        let diagnostic = try #require(report.diagnostic)
        #expect(!diagnostic.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }
}
