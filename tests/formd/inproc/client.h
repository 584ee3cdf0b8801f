// A test client for formd served in-process (StrictServer::serve_in_memory):
// it writes requests as raw HTTP/1.1 bytes, keeps a cookie jar and the API's
// CSRF token like a browser session, and parses the raw answer strictly.
//
// Contract:
//   - Every call serves one connection in memory: what a client would send
//     on a fresh socket, answered by the server's own loop, router, handlers
//     and error handler. send() expects exactly one answer covering every
//     byte written back, else it throws ParseError.
//   - parse_response() reads one HTTP/1.1 answer: status line, headers (no
//     line folding, names are tokens), then the body framed as RFC 9112 §6
//     says: none for HEAD, 1xx, 204 and 304; chunked (extensions and
//     trailers accepted, sizes in hex) when Transfer-Encoding is chunked;
//     else Content-Length (exactly one, digits only); else up to the end
//     (the server closes). Anything else, or fewer bytes than announced,
//     throws ParseError.
//   - The jar keeps cookies by name from Set-Cookie, honours Path (prefix
//     match) and forgets a cookie on Max-Age <= 0 or an empty value.
//   - The CSRF header (X-CSRF-Token) goes on POST, PUT, PATCH and DELETE
//     when csrf is set and the call does not opt out.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/strict_server.h"

namespace formd::inproc {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Response {
  std::string version;  // "HTTP/1.1"
  int status = 0;
  std::string reason;
  HeaderList headers;  // in order, as written
  std::string body;    // decoded from its framing (chunks joined)
  bool chunked = false;

  // The first header `name` (case-insensitive), "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> headers_named(std::string_view name) const;
  [[nodiscard]] bool has_header(std::string_view name) const;
  // The body as JSON; throws ParseError when it is not.
  [[nodiscard]] nlohmann::json json() const;
};

// One answer starting at `pos` in `raw`; `pos` moves past it. `head`: it
// answers a HEAD request (no body whatever the headers say).
[[nodiscard]] Response parse_response(std::string_view raw, std::size_t& pos, bool head = false);
// Every answer in `raw`, in order (a pipelined connection).
[[nodiscard]] std::vector<Response> parse_responses(std::string_view raw);

struct Request {
  std::string method = "GET";
  std::string target = "/";
  HeaderList headers;
  std::string body;
  // The raw bytes: request line, Host (unless given), the headers,
  // Content-Length for a body (or any POST/PUT/PATCH) unless given, the body.
  [[nodiscard]] std::string serialize() const;
};

class Client {
 public:
  explicit Client(http::StrictServer& server) : server_(server) {}

  // Sends `request` with the jar's cookies (and the CSRF header, see above),
  // stores the answer's cookies, returns the answer.
  Response send(Request request, bool with_csrf = true);
  Response get(const std::string& target, HeaderList headers = {});
  // A JSON body (nullopt: no body at all).
  Response post_json(const std::string& target, const std::optional<nlohmann::json>& body, bool with_csrf = true);
  Response patch_json(const std::string& target, const nlohmann::json& body, bool with_csrf = true);
  // The development login (POST /api/v1/session): keeps the CSRF token. Throws unless 200.
  nlohmann::json login(const std::string& email, const std::string& name, const std::string& siret);

  // Exactly these bytes on one connection, the raw answer back (no jar).
  [[nodiscard]] std::string raw(std::string_view bytes) { return server_.serve_in_memory(bytes); }

  std::string csrf;  // sent as X-CSRF-Token
  struct Cookie {
    std::string value;
    std::string path = "/";
  };
  std::map<std::string, Cookie> cookies;

 private:
  void remember_cookies(const Response& response);
  [[nodiscard]] std::string cookie_header(const std::string& target) const;

  http::StrictServer& server_;
};

}  // namespace formd::inproc
