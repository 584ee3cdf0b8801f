#include "domain/roles.h"

#include <algorithm>

namespace formd::domain {

namespace {

// Provider slugs and definition ids as DataPass writes them: lower-case
// letters, digits, '_' and '-'.
bool is_identifier(std::string_view text) {
  return !text.empty() && text.size() <= 100 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

std::optional<RoleKind> parse_kind(std::string_view text) {
  if (text == "reporter") return RoleKind::Reporter;
  if (text == "instructor") return RoleKind::Instructor;
  if (text == "manager") return RoleKind::Manager;
  if (text == "developer") return RoleKind::Developer;
  return std::nullopt;
}

}  // namespace

std::optional<Role> parse_role(std::string_view text) {
  if (text == "admin") return Role{true, "", "", RoleKind::Manager};
  const auto first = text.find(':');
  const auto second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos || text.find(':', second + 1) != std::string_view::npos) return std::nullopt;
  const auto provider = text.substr(0, first);
  const auto definition = text.substr(first + 1, second - first - 1);
  const auto kind = parse_kind(text.substr(second + 1));
  if (!kind || !is_identifier(provider) || (definition != "*" && !is_identifier(definition))) return std::nullopt;
  return Role{false, std::string(provider), std::string(definition), *kind};
}

std::string_view to_string(RoleKind kind) {
  switch (kind) {
    case RoleKind::Reporter: return "reporter";
    case RoleKind::Instructor: return "instructor";
    case RoleKind::Manager: return "manager";
    case RoleKind::Developer: return "developer";
  }
  return "";
}

std::string to_string(const Role& role) {
  if (role.admin) return "admin";
  return role.provider + ":" + role.definition + ":" + std::string(to_string(role.kind));
}

bool implies(RoleKind held, RoleKind wanted) {
  if (held == wanted) return true;
  switch (held) {
    case RoleKind::Manager: return wanted == RoleKind::Instructor || wanted == RoleKind::Reporter;
    case RoleKind::Instructor: return wanted == RoleKind::Reporter;
    case RoleKind::Developer: return wanted == RoleKind::Reporter;
    case RoleKind::Reporter: return false;
  }
  return false;
}

bool Roles::is_admin() const {
  return std::any_of(roles_.begin(), roles_.end(), [](const Role& r) { return r.admin; });
}

bool Roles::has(RoleKind wanted, std::string_view provider, std::string_view definition) const {
  return std::any_of(roles_.begin(), roles_.end(), [&](const Role& r) {
    if (r.admin) return true;
    return r.provider == provider && (r.definition == "*" || r.definition == definition) && implies(r.kind, wanted);
  });
}

}  // namespace formd::domain
