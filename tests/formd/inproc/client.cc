#include "inproc/client.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace formd::inproc {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The line at `pos` (without its CRLF); `pos` moves past the CRLF.
std::string_view take_line(std::string_view raw, std::size_t& pos, const char* what) {
  const std::size_t end = raw.find("\r\n", pos);
  if (end == std::string_view::npos) throw ParseError(std::string("truncated ") + what);
  const std::string_view line = raw.substr(pos, end - pos);
  if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
    throw ParseError(std::string("bare CR or LF in ") + what);
  }
  pos = end + 2;
  return line;
}

HeaderList parse_fields(std::string_view raw, std::size_t& pos, const char* what) {
  HeaderList fields;
  while (true) {
    const std::string_view line = take_line(raw, pos, what);
    if (line.empty()) return fields;
    if (line.front() == ' ' || line.front() == '\t') throw ParseError(std::string("folded line in ") + what);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) throw ParseError("header line without a name: " + std::string(line));
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) throw ParseError("invalid header name: " + std::string(name));
    fields.emplace_back(std::string(name), std::string(trim(line.substr(colon + 1))));
  }
}

std::size_t parse_number(std::string_view text, int base, const char* what) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || text.size() > 15 || ec != std::errc() || ptr != text.data() + text.size()) {
    throw ParseError(std::string("invalid ") + what + ": \"" + std::string(text) + "\"");
  }
  return value;
}

std::string_view take_bytes(std::string_view raw, std::size_t& pos, std::size_t n, const char* what) {
  if (raw.size() - pos < n) {
    throw ParseError(std::string("truncated ") + what + ": " + std::to_string(n) + " bytes announced, " +
                     std::to_string(raw.size() - pos) + " written");
  }
  const std::string_view bytes = raw.substr(pos, n);
  pos += n;
  return bytes;
}

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

}  // namespace

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return "";
}

std::vector<std::string> Response::headers_named(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) out.push_back(v);
  }
  return out;
}

bool Response::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

nlohmann::json Response::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) throw ParseError("the body is not JSON: " + body.substr(0, 200));
  return parsed;
}

Response parse_response(std::string_view raw, std::size_t& pos, bool head) {
  Response r;
  const std::string_view status_line = take_line(raw, pos, "status line");
  // HTTP-version SP 3DIGIT SP reason-phrase
  if (status_line.size() < 13 || status_line.substr(0, 7) != "HTTP/1." || !std::isdigit(static_cast<unsigned char>(status_line[7])) ||
      status_line[8] != ' ' || status_line[12] != ' ') {
    throw ParseError("invalid status line: " + std::string(status_line));
  }
  r.version = std::string(status_line.substr(0, 8));
  r.status = static_cast<int>(parse_number(status_line.substr(9, 3), 10, "status code"));
  if (r.status < 100 || r.status > 599) throw ParseError("status out of range: " + std::string(status_line));
  r.reason = std::string(status_line.substr(13));
  r.headers = parse_fields(raw, pos, "header section");

  const auto lengths = r.headers_named("Content-Length");
  const auto codings = r.headers_named("Transfer-Encoding");
  if (head || r.status < 200 || r.status == 204 || r.status == 304) return r;
  if (!codings.empty()) {
    if (!lengths.empty()) throw ParseError("both Content-Length and Transfer-Encoding");
    if (codings.size() != 1 || !iequals(codings.front(), "chunked")) {
      throw ParseError("unsupported Transfer-Encoding: " + codings.front());
    }
    r.chunked = true;
    while (true) {
      std::string_view size_line = take_line(raw, pos, "chunk size");
      size_line = trim(size_line.substr(0, size_line.find(';')));  // chunk extensions are ignored
      const std::size_t size = parse_number(size_line, 16, "chunk size");
      if (size == 0) break;
      r.body += take_bytes(raw, pos, size, "chunk");
      if (!take_line(raw, pos, "chunk end").empty()) throw ParseError("chunk longer than its size");
    }
    for (auto& trailer : parse_fields(raw, pos, "trailer section")) r.headers.push_back(std::move(trailer));
    return r;
  }
  if (!lengths.empty()) {
    if (lengths.size() != 1) throw ParseError("several Content-Length headers");
    if (!std::all_of(lengths.front().begin(), lengths.front().end(), [](char c) { return c >= '0' && c <= '9'; })) {
      throw ParseError("invalid Content-Length: " + lengths.front());
    }
    r.body = std::string(take_bytes(raw, pos, parse_number(lengths.front(), 10, "Content-Length"), "body"));
    return r;
  }
  r.body = std::string(raw.substr(pos));  // delimited by the end of the connection
  pos = raw.size();
  return r;
}

std::vector<Response> parse_responses(std::string_view raw) {
  std::vector<Response> out;
  std::size_t pos = 0;
  while (pos < raw.size()) out.push_back(parse_response(raw, pos));
  return out;
}

std::string Request::serialize() const {
  auto has = [&](std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
  };
  std::string out = method + " " + target + " HTTP/1.1\r\n";
  if (!has("Host")) out += "Host: formd.test\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  const bool body_method = method == "POST" || method == "PUT" || method == "PATCH";
  if ((!body.empty() || body_method) && !has("Content-Length") && !has("Transfer-Encoding")) {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

Response Client::send(Request request, bool with_csrf) {
  const bool mutating = request.method == "POST" || request.method == "PUT" || request.method == "PATCH" ||
                        request.method == "DELETE";
  if (with_csrf && mutating && !csrf.empty()) request.headers.emplace_back("X-CSRF-Token", csrf);
  const std::string cookie = cookie_header(request.target);
  if (!cookie.empty()) request.headers.emplace_back("Cookie", cookie);
  const std::string out = server_.serve_in_memory(request.serialize());
  std::size_t pos = 0;
  Response response = parse_response(out, pos, request.method == "HEAD");
  if (pos != out.size()) {
    throw ParseError("more than one answer, or bytes after it: " + std::to_string(out.size() - pos) + " bytes");
  }
  remember_cookies(response);
  return response;
}

Response Client::get(const std::string& target, HeaderList headers) {
  return send(Request{"GET", target, std::move(headers), ""});
}

Response Client::post_json(const std::string& target, const std::optional<nlohmann::json>& body, bool with_csrf) {
  Request request{"POST", target, {}, ""};
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  return send(std::move(request), with_csrf);
}

Response Client::patch_json(const std::string& target, const nlohmann::json& body, bool with_csrf) {
  return send(Request{"PATCH", target, {{"Content-Type", "application/json"}}, body.dump()}, with_csrf);
}

nlohmann::json Client::login(const std::string& email, const std::string& name, const std::string& siret) {
  const Response r = post_json("/api/v1/session", nlohmann::json{{"email", email}, {"name", name}, {"siret", siret}}, false);
  if (r.status != 200) throw std::runtime_error("login of " + email + ": " + std::to_string(r.status) + " " + r.body);
  nlohmann::json out = r.json();
  csrf = out.at("csrf_token").get<std::string>();
  return out;
}

void Client::remember_cookies(const Response& response) {
  for (const auto& line : response.headers_named("Set-Cookie")) {
    std::string_view rest = line;
    const std::size_t semi = rest.find(';');
    const std::string_view pair = trim(rest.substr(0, semi));
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) throw ParseError("invalid Set-Cookie: " + line);
    const std::string name(trim(pair.substr(0, eq)));
    Cookie cookie{std::string(trim(pair.substr(eq + 1))), "/"};
    bool expired = cookie.value.empty();
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!rest.empty()) {
      const std::size_t next = rest.find(';');
      const std::string_view attribute = trim(rest.substr(0, next));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
      const std::size_t aeq = attribute.find('=');
      const std::string_view key = trim(attribute.substr(0, aeq));
      const std::string_view value = aeq == std::string_view::npos ? std::string_view() : trim(attribute.substr(aeq + 1));
      if (iequals(key, "Path") && !value.empty() && value.front() == '/') cookie.path = std::string(value);
      if (iequals(key, "Max-Age")) {
        long max_age = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), max_age);
        if (ec != std::errc() || ptr != value.data() + value.size()) throw ParseError("invalid Max-Age: " + line);
        if (max_age <= 0) expired = true;
      }
    }
    if (expired) cookies.erase(name);
    else cookies[name] = std::move(cookie);
  }
}

std::string Client::cookie_header(const std::string& target) const {
  const std::string path = path_of(target);
  std::string out;
  for (const auto& [name, cookie] : cookies) {
    const bool matches = path.rfind(cookie.path, 0) == 0 &&
                         (path.size() == cookie.path.size() || cookie.path.back() == '/' || path[cookie.path.size()] == '/');
    if (!matches) continue;
    if (!out.empty()) out += "; ";
    out += name + "=" + cookie.value;
  }
  return out;
}

}  // namespace formd::inproc
