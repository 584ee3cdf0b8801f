#include "notify/smtp_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "notify/smtp_outcome.h"

namespace formd::notify {

namespace {

// curl_global_init is not guaranteed thread-safe on every build: run it once,
// from the first constructor, before any worker thread sends.
void ensure_curl_initialised() {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) throw std::runtime_error(std::string("libcurl initialisation failed: ") + curl_easy_strerror(init));
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// The part of a parsed URL, or null when absent.
CurlString url_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK) return nullptr;
  return CurlString(value);
}

struct ParsedUrl {
  bool needs_starttls;  // credentials over smtp://: never send them in clear
  std::string redacted;
};

ParsedUrl parse_smtp_url(const std::string& text) {
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url) throw std::runtime_error("libcurl: out of memory");
  // Without CURLU_ALLOW_SPACE or CURLU_URLENCODE, spaces and control
  // characters are refused here rather than sent to the server.
  if (curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    throw std::invalid_argument("SMTP URL: not a valid URL (expected smtp://host:port or smtps://host:port)");
  }
  const CurlString scheme = url_part(url.get(), CURLUPART_SCHEME);
  if (!scheme || (std::strcmp(scheme.get(), "smtp") != 0 && std::strcmp(scheme.get(), "smtps") != 0)) {
    throw std::invalid_argument("SMTP URL: the scheme must be smtp:// or smtps://");
  }
  const CurlString host = url_part(url.get(), CURLUPART_HOST);
  if (!host || host.get()[0] == '\0') throw std::invalid_argument("SMTP URL: no host");
  if (url_part(url.get(), CURLUPART_QUERY) || url_part(url.get(), CURLUPART_FRAGMENT)) {
    throw std::invalid_argument("SMTP URL: a query or fragment means nothing here");
  }
  const bool has_credentials = url_part(url.get(), CURLUPART_USER) != nullptr ||
                               url_part(url.get(), CURLUPART_PASSWORD) != nullptr;
  const bool implicit_tls = std::strcmp(scheme.get(), "smtps") == 0;
  curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_OPTIONS, nullptr, 0);
  const CurlString redacted = url_part(url.get(), CURLUPART_URL);
  // Over smtps:// the whole session is already encrypted: no STARTTLS to demand.
  return ParsedUrl{.needs_starttls = has_credentials && !implicit_tls, .redacted = redacted ? redacted.get() : ""};
}

// Feeds the rendered message to curl's upload.
struct UploadCursor {
  std::string_view remaining;
};

size_t read_message(char* buffer, size_t size, size_t count, void* user_data) {
  auto* cursor = static_cast<UploadCursor*>(user_data);
  const size_t n = std::min(size * count, cursor->remaining.size());
  std::memcpy(buffer, cursor->remaining.data(), n);
  cursor->remaining.remove_prefix(n);
  return n;
}

}  // namespace

SmtpTransport::SmtpTransport(std::string url, SmtpTimeouts timeouts, UnixClock clock)
    : url_(std::move(url)), timeouts_(timeouts), clock_(std::move(clock)) {
  ensure_curl_initialised();
  if (timeouts_.connect.count() <= 0 || timeouts_.total.count() <= 0) {
    throw std::invalid_argument("SMTP timeouts must be positive");
  }
  if (!clock_) throw std::invalid_argument("SmtpTransport: no clock");
  ParsedUrl parsed = parse_smtp_url(url_);
  require_tls_ = parsed.needs_starttls;
  redacted_url_ = std::move(parsed.redacted);
}

SendResult SmtpTransport::send(const Email& email) {
  std::string message;
  try {
    message = render_rfc5322(email, clock_());
  } catch (const InvalidEmail& e) {
    return SendResult::permanent(std::string("not sent, invalid email: ") + e.what());
  } catch (const std::exception& e) {
    return SendResult::temporary(std::string("not sent: ") + e.what());
  }

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return SendResult::temporary("libcurl: cannot create a handle");
  curl_slist* raw_recipients = nullptr;
  for (const std::string& to : email.to) {
    curl_slist* extended = curl_slist_append(raw_recipients, ("<" + to + ">").c_str());
    if (extended == nullptr) {
      curl_slist_free_all(raw_recipients);
      return SendResult::temporary("libcurl: out of memory");
    }
    raw_recipients = extended;
  }
  const std::unique_ptr<curl_slist, ListDeleter> recipients(raw_recipients);
  const std::string mail_from = "<" + email.from + ">";
  UploadCursor cursor{message};
  char error_buffer[CURL_ERROR_SIZE] = {};

  CURL* h = easy.get();
  CURLcode set = CURLE_OK;
  auto option = [&](CURLoption name, auto value) {
    if (set == CURLE_OK) set = curl_easy_setopt(h, name, value);
  };
  option(CURLOPT_URL, url_.c_str());
  // Only SMTP: a URL cannot make this handle speak another protocol.
  option(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  option(CURLOPT_USE_SSL, require_tls_ ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
  option(CURLOPT_NOSIGNAL, 1L);
  option(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts_.connect.count()));
  option(CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts_.total.count()));
  option(CURLOPT_ERRORBUFFER, error_buffer);
  option(CURLOPT_MAIL_FROM, mail_from.c_str());
  option(CURLOPT_MAIL_RCPT, recipients.get());
  option(CURLOPT_UPLOAD, 1L);
  option(CURLOPT_READFUNCTION, &read_message);
  option(CURLOPT_READDATA, &cursor);
  option(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  if (set != CURLE_OK) return SendResult::temporary(std::string("libcurl: ") + curl_easy_strerror(set));

  const CURLcode result = curl_easy_perform(h);
  long smtp_code = 0;
  if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp_code) != CURLE_OK) smtp_code = 0;
  const std::string_view detail = error_buffer[0] != '\0' ? std::string_view(error_buffer) : curl_easy_strerror(result);
  return classify_smtp_outcome(result, smtp_code, result == CURLE_OK ? std::string_view("accepted") : detail);
}

}  // namespace formd::notify
