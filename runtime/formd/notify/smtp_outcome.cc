#include "notify/smtp_outcome.h"

#include <string>

namespace formd::notify {

namespace {

bool is_configuration_error(CURLcode code) {
  switch (code) {
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = '?';
  }
  return out;
}

}  // namespace

SendResult classify_smtp_outcome(CURLcode curl_code, long smtp_code, std::string_view detail) {
  std::string message = printable(detail);
  // A failure after a 2xx reply (EHLO 250, then no STARTTLS) is not about
  // that reply: name the code only when it is the answer or the refusal.
  if (smtp_code >= 300 || (curl_code == CURLE_OK && smtp_code > 0)) {
    message = "SMTP reply " + std::to_string(smtp_code) + ": " + message;
  }
  if (curl_code == CURLE_OK) return SendResult::sent(std::move(message));
  if (is_configuration_error(curl_code)) {
    return SendResult::temporary(std::move(message) + " (check the SMTP configuration)");
  }
  if (smtp_code >= 500 && smtp_code <= 599) return SendResult::permanent(std::move(message));
  return SendResult::temporary(std::move(message));
}

}  // namespace formd::notify
