// HTTP plumbing shared by every route: security headers, content types,
// cookies, redirects and error answers.
//
// Contract: every response formd sends goes through apply_security_headers()
// (installed as a post-routing handler): a CSP without 'unsafe-inline'
// (scripts and styles only from formd itself), frame-ancestors 'none',
// nosniff, no referrer leaks. Error answers never echo a stack trace or
// internal detail: HTML pages get a French message, the JSON API
// {"error": {"status", "message"}}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace formd::http {

// `login_origin` (e.g. "https://auth.agentconnect.gouv.fr", or empty) is
// added to form-action: browsers apply form-action to the redirects that
// follow a form submission too, and the ProConnect login button and the
// logout form end on the identity provider.
void apply_security_headers(httplib::Response& res, std::string_view login_origin = {});

// The media type of a request without parameters, lower-cased ("" if none).
[[nodiscard]] std::string media_type(const httplib::Request& req);
[[nodiscard]] bool is_form_post(const httplib::Request& req);  // application/x-www-form-urlencoded
[[nodiscard]] bool is_json(const httplib::Request& req);       // application/json

void send_html(httplib::Response& res, int status, std::string body);
void send_json(httplib::Response& res, int status, const nlohmann::json& body);
void send_json_error(httplib::Response& res, int status, std::string_view message,
                     const nlohmann::json& details = nullptr);
void redirect(httplib::Response& res, std::string_view location);  // 303 See Other

[[nodiscard]] std::optional<std::string> cookie(const httplib::Request& req, std::string_view name);
// HttpOnly, SameSite=Lax, Path=/ (Secure is left to the TLS proxy in front of formd).
void set_cookie(httplib::Response& res, std::string_view name, std::string_view value, long max_age_seconds);

// The body's urlencoded pairs in order (httplib's params are a multimap,
// which loses the posted order). Names and values percent-decoded.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> form_pairs(const httplib::Request& req);
[[nodiscard]] std::string form_value(const std::vector<std::pair<std::string, std::string>>& pairs,
                                     std::string_view name);

[[nodiscard]] std::string url_encode(std::string_view text);
// Constant-time comparison (CSRF tokens).
[[nodiscard]] bool same_secret(std::string_view a, std::string_view b);

}  // namespace formd::http
