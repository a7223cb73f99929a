import ActivationCore
import CCurl
import Foundation

/// One worker thread's libcurl easy handle, reused for every send so that its connection is
/// reused too. Used only on its own thread.
final class CurlWorker: SMTPConnection {
    private let handle: UnsafeMutableRawPointer
    private let transfer = CurlTransfer()
    /// After any error the connection may be dead while libcurl believes it alive (trap 1 of the
    /// notes), so the next send opens a fresh one.
    private var needsFreshConnection = false

    init?(options: SMTPOptions) {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        let timeout = options.timeout.timeInterval
        setLong(CURLOPT_NOSIGNAL, 1)
        setLong(CURLOPT_UPLOAD, 1)
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Int(timeout * 1000))
        // The reply timeout, for each SMTP reply.
        setLong(CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(timeout.rounded(.up))))
        setLong(CURLOPT_TIMEOUT_MS, Int(timeout * 3000))
        ccurl_easy_setopt_string(handle, CURLOPT_URL, options.url)
        let useSSL: curl_usessl = switch options.startTLS {
        case .required: CURLUSESSL_ALL
        case .opportunistic: CURLUSESSL_TRY
        case .never: CURLUSESSL_NONE
        }
        setLong(CURLOPT_USE_SSL, Int(useSSL.rawValue))
        if !options.username.isEmpty {
            ccurl_easy_setopt_string(handle, CURLOPT_USERNAME, options.username)
            ccurl_easy_setopt_string(handle, CURLOPT_PASSWORD, options.password)
        }
        if let caFile = options.caFile, !caFile.isEmpty {
            ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)
        }
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        ccurl_easy_setopt_read_function(handle, CurlTransfer.read)
        ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, userdata)
        ccurl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, CurlTransfer.reply)
        ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, userdata)
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends one message; blocks until the server answered or a timeout passed.
    func send(_ message: [UInt8], envelope: SMTPEnvelope) -> SMTPResult {
        transfer.start(message)
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for recipient in envelope.recipients { recipients = curl_slist_append(recipients, recipient) }
        defer { curl_slist_free_all(recipients) }
        ccurl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, envelope.sender)
        ccurl_easy_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipients)
        ccurl_easy_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        setLong(CURLOPT_FRESH_CONNECT, needsFreshConnection ? 1 : 0)
        let code = curl_easy_perform(handle)
        var responseCode = 0
        ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        needsFreshConnection = code != CURLE_OK
        let errorText = String(cString: curl_easy_strerror(code))
        return CurlReplyClassifier.classify(code: code, responseCode: responseCode, replies: transfer.replies,
                                            errorText: errorText)
    }

    private func setLong(_ option: CURLoption, _ value: Int) {
        ccurl_easy_setopt_long(handle, option, value)
    }
}

/// The state of the transfer in progress, reached from libcurl's C callbacks through userdata.
final class CurlTransfer {
    private var message: [UInt8] = []
    private var offset = 0
    /// The last few reply lines of this transfer, control characters removed, oldest first.
    private(set) var replies: [String] = []

    func start(_ message: [UInt8]) {
        self.message = message
        offset = 0
        replies.removeAll(keepingCapacity: true)
    }

    /// CURLOPT_READFUNCTION: copies the next piece of the message.
    static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        let length = min(size * count, transfer.message.count - transfer.offset)
        transfer.message.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + transfer.offset, byteCount: length)
        }
        transfer.offset += length
        return length
    }

    /// CURLOPT_HEADERFUNCTION: for SMTP, libcurl passes each server reply line here.
    static let reply: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        buffer, size, count, userdata in
        let length = size * count
        guard let buffer, let userdata else { return length }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
        // Keep printable bytes only: the reply is untrusted and ends up in a log line.
        var line: [UInt8] = []
        line.reserveCapacity(min(length, 512))
        for byte in bytes.prefix(512) where byte >= 0x20 && byte != 0x7F { line.append(byte) }
        if transfer.replies.count == 8 { transfer.replies.removeFirst() }
        transfer.replies.append(String(decoding: line, as: UTF8.self))
        return length
    }
}
