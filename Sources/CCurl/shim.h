// Typed wrappers for libcurl's variadic functions.
//
// Swift cannot call C variadic functions, so curl_easy_setopt and curl_easy_getinfo get one
// fixed-signature wrapper per argument kind, the way GRDB's shim.h wraps sqlite3_config and
// swift-corelibs-foundation's _CFURLSessionInterface wraps libcurl. Macros that Swift cannot
// import (CURL_GLOBAL_ALL) are re-exported as constants.
#ifndef ACTIVATIOND_CCURL_SHIM_H
#define ACTIVATIOND_CCURL_SHIM_H

#include <curl/curl.h>

/// CURL_GLOBAL_ALL, which is a macro expression Swift does not import.
static const long ccurl_global_all = CURL_GLOBAL_ALL;

/// CURLVERSION_NOW, the curl_version_info age this header was written for (a macro).
static const CURLversion ccurl_version_now = CURLVERSION_NOW;

/// curl_easy_setopt for options that take a `long` (CURLOPT_VERBOSE, CURLOPT_UPLOAD, CURLOPT_USE_SSL, …).
static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for options that take a `curl_off_t` (CURLOPT_INFILESIZE_LARGE, …).
static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for options that take a C string (CURLOPT_URL, CURLOPT_MAIL_FROM, …); libcurl copies it.
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for options that take an opaque pointer (CURLOPT_READDATA, CURLOPT_MAIL_RCPT's slist, …).
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for CURLOPT_READFUNCTION.
static inline CURLcode ccurl_easy_setopt_read_function(CURL *handle,
        size_t (*callback)(char *buffer, size_t size, size_t count, void *userdata)) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

/// curl_easy_setopt for CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
static inline CURLcode ccurl_easy_setopt_write_function(CURL *handle, CURLoption option,
        size_t (*callback)(char *buffer, size_t size, size_t count, void *userdata)) {
    return curl_easy_setopt(handle, option, callback);
}

/// curl_easy_getinfo for `long` results (CURLINFO_RESPONSE_CODE, CURLINFO_NUM_CONNECTS, …).
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_easy_getinfo for `double` results (CURLINFO_TOTAL_TIME, …).
static inline CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_easy_getinfo for `curl_off_t` results (CURLINFO_TOTAL_TIME_T, …).
static inline CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_easy_getinfo for string results (CURLINFO_EFFECTIVE_URL, …); the string belongs to the handle.
static inline CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
