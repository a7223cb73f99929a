import CCurl

/// Classifies a libcurl SMTP result, after the table measured against smtp-sink in docs/courier.md,
/// "Classification".
enum CurlReplyClassifier {
    /// - Parameters:
    ///   - code: `curl_easy_perform`'s result.
    ///   - responseCode: `CURLINFO_RESPONSE_CODE`, trustworthy only with 55, 8 and 67.
    ///   - replies: the last reply lines the server sent on this transfer, oldest first. After an
    ///     error libcurl sends QUIT, so the last line may be the server's "221 Bye".
    ///   - errorText: libcurl's description of `code`.
    static func classify(code: CURLcode, responseCode: Int, replies: [String], errorText: String) -> SMTPResult {
        if code == CURLE_OK {
            let lastReply = replies.last
            return SMTPResult(status: .sent, reply: lastReply ?? "\(responseCode)", replyCode: responseCode)
        }
        switch code {
        case CURLE_SEND_ERROR, CURLE_WEIRD_SERVER_REPLY, CURLE_LOGIN_DENIED:
            let reply = replies.last { $0.hasPrefix("\(responseCode)") } ?? "\(responseCode) (\(errorText))"
            // A refused AUTH is the relay's or our configuration's fault, not the message's:
            // defer (as Postfix does), so fixing the password file delivers the queue.
            if (500...599).contains(responseCode) && code != CURLE_LOGIN_DENIED {
                return SMTPResult(status: .permanentFailure, reply: reply, replyCode: responseCode)
            }
            return SMTPResult(status: .temporaryFailure, reply: reply,
                              replyCode: responseCode == 0 ? nil : responseCode)
        default:
            // Hang-ups and timeouts leave a stale response code behind; only our own record of
            // the last reply tells whether the server had already accepted DATA.
            let afterData = replies.last?.hasPrefix("354") ?? false
            var reply = "\(errorText) (curl \(code.rawValue))"
            if afterData { reply += " after DATA was accepted; the message may have been delivered" }
            return SMTPResult(status: .temporaryFailure, reply: reply, mayHaveBeenDelivered: afterData)
        }
    }
}
