#include "http/messages.h"

#include <cctype>

namespace formd::http {

void apply_security_headers(httplib::Response& res, std::string_view login_origin) {
  std::string form_action = "'self'";
  if (!login_origin.empty()) form_action += " " + std::string(login_origin);
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                 "connect-src 'self'; form-action " +
                     form_action + "; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  res.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
}

std::string media_type(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  const auto semi = type.find(';');
  if (semi != std::string::npos) type.resize(semi);
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) type.pop_back();
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

bool is_form_post(const httplib::Request& req) { return media_type(req) == "application/x-www-form-urlencoded"; }
bool is_json(const httplib::Request& req) { return media_type(req) == "application/json"; }

void send_html(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "text/html; charset=utf-8");
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json; charset=utf-8");
}

void send_json_error(httplib::Response& res, int status, std::string_view message, const nlohmann::json& details) {
  nlohmann::json error = {{"status", status}, {"message", std::string(message)}};
  if (!details.is_null()) error["details"] = details;
  send_json(res, status, {{"error", error}});
}

void redirect(httplib::Response& res, std::string_view location) {
  res.status = 303;
  res.set_header("Location", std::string(location));
}

std::optional<std::string> cookie(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    const std::size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    std::size_t end = header.find(';', eq);
    if (end == std::string::npos) end = header.size();
    if (std::string_view(header).substr(i, eq - i) == name) return header.substr(eq + 1, end - eq - 1);
    i = end;
  }
  return std::nullopt;
}

void set_cookie(httplib::Response& res, std::string_view name, std::string_view value, long max_age_seconds) {
  res.set_header("Set-Cookie", std::string(name) + "=" + std::string(value) +
                                   "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_seconds));
}

std::vector<std::pair<std::string, std::string>> form_pairs(const httplib::Request& req) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const std::string& body = req.body;
  std::size_t i = 0;
  while (i <= body.size()) {
    std::size_t end = body.find('&', i);
    if (end == std::string::npos) end = body.size();
    const std::string_view part = std::string_view(body).substr(i, end - i);
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      const std::string name(part.substr(0, eq));
      const std::string value(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1));
      pairs.emplace_back(httplib::detail::decode_url(name, true), httplib::detail::decode_url(value, true));
    }
    i = end + 1;
  }
  return pairs;
}

std::string form_value(const std::vector<std::pair<std::string, std::string>>& pairs, std::string_view name) {
  for (const auto& [k, v] : pairs) {
    if (k == name) return v;
  }
  return {};
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace formd::http
