#include "auth/oidc/http_fetch.h"

#include <cctype>
#include <memory>

#include <curl/curl.h>

#include "auth/oidc/errors.h"

namespace formd::auth::oidc {

namespace {

constexpr std::size_t kMaxBody = 1 << 20;

struct Sink {
  std::string body;
  bool too_long = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > kMaxBody) {
    sink->too_long = true;
    return 0;
  }
  sink->body.append(data, n);
  return n;
}

}  // namespace

std::string form_encode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

HttpAnswer http_fetch(const HttpCall& call) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw OidcError(Reason::Unreachable, "libcurl could not start");
  Sink sink;
  std::string body;
  for (const auto& [name, value] : call.form) {
    if (!body.empty()) body += '&';
    body += form_encode(name) + "=" + form_encode(value);
  }
  curl_slist* headers = nullptr;
  for (const auto& h : call.headers) headers = curl_slist_append(headers, h.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);

  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "formd");
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (!call.form.empty()) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode code = curl_easy_perform(c);
  if (sink.too_long) throw OidcError(Reason::Unreachable, "answer of " + call.url + " over 1 MiB");
  if (code != CURLE_OK) throw OidcError(Reason::Unreachable, call.url + ": " + curl_easy_strerror(code));
  HttpAnswer answer;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  char* type = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
  if (type) answer.content_type = type;
  answer.body = std::move(sink.body);
  return answer;
}

}  // namespace formd::auth::oidc
