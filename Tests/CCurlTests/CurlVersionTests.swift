import CCurl
import Testing

@Suite("libcurl through CCurl")
struct CurlVersionTests {
    @Test("curl_version_info lists SMTP and SMTPS among the protocols")
    func smtpIsSupported() throws {
        let info = try #require(curl_version_info(ccurl_version_now))
        var protocols: [String] = []
        var cursor = try #require(info.pointee.protocols)
        while let name = cursor.pointee {
            protocols.append(String(cString: name))
            cursor = cursor.advanced(by: 1)
        }
        #expect(protocols.contains("smtp"))
        #expect(protocols.contains("smtps"))
        #expect(info.pointee.version_num >= 0x075800, "libcurl 7.88 or later")
    }

    @Test("the typed setopt and getinfo wrappers reach libcurl")
    func wrappersWork() throws {
        #expect(curl_global_init(ccurl_global_all) == CURLE_OK)
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(ccurl_easy_setopt_string(handle, CURLOPT_URL, "smtp://127.0.0.1:1") == CURLE_OK)
        #expect(ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        #expect(ccurl_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue)) == CURLE_OK)
        // An unknown option number is refused, so the wrapper really passes the option through.
        #expect(ccurl_easy_setopt_long(handle, CURLoption(rawValue: 99_999), 1) != CURLE_OK)
        var url: UnsafePointer<CChar>? = nil
        #expect(ccurl_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK)
        var code = -1
        #expect(ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
        #expect(code == 0, "no transfer yet")
    }
}
