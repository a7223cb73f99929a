import CCurl
import Foundation

/// The transport's ceiling: the same message sent by bare libcurl from Swift, one reused easy
/// handle per thread (docs/PERFORMANCE.md, "Courier"), with a header callback as the courier
/// has. No store, no composition, no log line.
enum BareLibcurl {
    /// The message and its read position, reached from the C callbacks through userdata.
    final class Upload {
        let message: [UInt8]
        var offset = 0
        init(_ message: [UInt8]) { self.message = message }
    }

    /// Sends `messages` copies of `message` over `connections` threads; messages per second.
    static func rate(port: Int, connections: Int, messages: Int, message: [UInt8]) -> Double {
        curl_global_init(ccurl_global_all)
        signal(SIGPIPE, SIG_IGN)
        let perThread = messages / connections
        let started = ContinuousClock.now
        let threads = (0..<connections).map { _ in
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                send(perThread, of: message, port: port)
                done.signal()
            }
            thread.start()
            return done
        }
        for done in threads { done.wait() }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(perThread * connections) / seconds
    }

    private static func send(_ count: Int, of message: [UInt8], port: Int) {
        guard let handle = curl_easy_init() else { return }
        defer { curl_easy_cleanup(handle) }
        let upload = Upload(message)
        let userdata = Unmanaged.passUnretained(upload).toOpaque()
        ccurl_easy_setopt_string(handle, CURLOPT_URL, "smtp://127.0.0.1:\(port)")
        ccurl_easy_setopt_long(handle, CURLOPT_UPLOAD, 1)
        ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_easy_setopt_read_function(handle) { buffer, size, count, userdata in
            let upload = Unmanaged<Upload>.fromOpaque(userdata!).takeUnretainedValue()
            let length = min(size * count, upload.message.count - upload.offset)
            upload.message.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer!).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: length)
            }
            upload.offset += length
            return length
        }
        ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, userdata)
        ccurl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION) { _, size, count, _ in size * count }
        ccurl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<no-reply@example.org>")
        let recipients = curl_slist_append(nil, "<person@example.net>")
        defer { curl_slist_free_all(recipients) }
        ccurl_easy_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipients)
        for _ in 0..<count {
            upload.offset = 0
            ccurl_easy_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
            let code = curl_easy_perform(handle)
            if code != CURLE_OK { FileHandle.standardError.write(Data("libcurl: \(code.rawValue)\n".utf8)) }
        }
    }
}
