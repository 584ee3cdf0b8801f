// What a libcurl SMTP transfer means for the outbox: sent, retry later, or
// give up. Separate from the transfer so the whole table is unit-tested.
//
// Contract of classify_smtp_outcome(curl_code, smtp_code, detail):
//   - CURLE_OK: sent;
//   - authentication refused (CURLE_LOGIN_DENIED), TLS that cannot be
//     established or verified (STARTTLS missing, handshake, certificate):
//     temporary, whatever the reply code. These are formd's configuration or
//     the server's, not the email's fault: retrying lets a corrected
//     configuration still deliver the email before it is given up;
//   - otherwise the last SMTP reply code decides (CURLINFO_RESPONSE_CODE):
//     5xx permanent (RFC 5321 §4.2.1 "permanent negative completion": the
//     sender, a recipient or the message is refused), 4xx temporary;
//   - anything else (no reply: refused or timed-out connection, unknown
//     host, connection dropped) is temporary: retries are bounded anyway.
// The message reads "SMTP reply 550: <detail>" (the code when it is 3xx to
// 5xx, or the final reply of a success) or "<detail>", with any
// control character of `detail` replaced by '?' (it is logged verbatim).
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "notify/transport.h"

namespace formd::notify {

[[nodiscard]] SendResult classify_smtp_outcome(CURLcode curl_code, long smtp_code, std::string_view detail);

}  // namespace formd::notify
