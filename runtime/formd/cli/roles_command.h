// `formd roles grant|revoke|list`: roles from the command line (issue 9).
//
//   formd roles grant  --data DIR EMAIL ROLE
//   formd roles revoke --data DIR EMAIL ROLE
//   formd roles list   --data DIR
//
// Contract: ROLE must parse as a DataPass role (domain/roles.h) and EMAIL as
// an email address, else exit status 2 with a French message naming what is
// wrong; a user not seen yet is created by email on grant; granting a role
// held already, or revoking one not held, changes nothing and says so
// (status 0); a database failure is status 1. Messages go to `out` / `err`.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace formd::cli {

enum class RolesVerb { Grant, Revoke, List };

struct RolesCommand {
  RolesVerb verb = RolesVerb::List;
  std::filesystem::path data_dir = "data";
  std::string email;
  std::string role;
};

int run_roles_command(const RolesCommand& command, std::ostream& out, std::ostream& err);

}  // namespace formd::cli
