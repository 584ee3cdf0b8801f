// The relying party's back channel to the provider: HTTPS GET and form POST
// with libcurl, bounded in time and size, no redirects followed, TLS
// verified (libcurl's default, never turned off).
//
// Contract: returns the status, Content-Type and body of the answer; throws
// OidcError(Unreachable) on a network error, a timeout or a body over 1 MiB.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace formd::auth::oidc {

struct HttpAnswer {
  long status = 0;
  std::string content_type;
  std::string body;
};

struct HttpCall {
  std::string url;
  std::vector<std::pair<std::string, std::string>> form;  // a POST when non-empty
  std::vector<std::string> headers;                       // "Name: value"
  long timeout_ms = 5000;
};

HttpAnswer http_fetch(const HttpCall& call);

// application/x-www-form-urlencoded encoding of one value.
std::string form_encode(const std::string& value);

}  // namespace formd::auth::oidc
