// Roles in DataPass's format (DATAPASS.md §3.5):
//   "<provider>:<definition_id>:<role>"   one definition
//   "<provider>:*:<role>"                 every definition of a provider
//   "admin"                               everything
// with role one of reporter, instructor, manager, developer, and the
// hierarchy manager ⇒ instructor ⇒ reporter, developer ⇒ reporter.
//
// Contract: no I/O. parse_role() refuses anything else (nullopt), so a
// stored or typed role is either understood exactly or rejected; to_string()
// gives back the canonical text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace formd::domain {

enum class RoleKind { Reporter, Instructor, Manager, Developer };

struct Role {
  bool admin = false;
  std::string provider;    // unset for admin
  std::string definition;  // "*": every definition of the provider
  RoleKind kind = RoleKind::Reporter;

  friend bool operator==(const Role&, const Role&) = default;
};

[[nodiscard]] std::optional<Role> parse_role(std::string_view text);
[[nodiscard]] std::string to_string(const Role& role);
[[nodiscard]] std::string_view to_string(RoleKind kind);

// Does holding `held` grant `wanted` (the hierarchy above)?
[[nodiscard]] bool implies(RoleKind held, RoleKind wanted);

// A user's roles, asked about one definition of one provider.
class Roles {
 public:
  Roles() = default;
  explicit Roles(std::vector<Role> roles) : roles_(std::move(roles)) {}

  [[nodiscard]] bool is_admin() const;
  // At least `wanted` on that definition (admin: always).
  [[nodiscard]] bool has(RoleKind wanted, std::string_view provider, std::string_view definition) const;
  // Some role on some definition (the instruction space is open to them).
  [[nodiscard]] bool any() const { return !roles_.empty(); }
  [[nodiscard]] const std::vector<Role>& all() const { return roles_; }

 private:
  std::vector<Role> roles_;
};

}  // namespace formd::domain
