#include "cli/roles_command.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <ostream>

#include "domain/roles.h"
#include "formc/runtime/formats.h"
#include "storage/sqlite_store.h"

namespace formd::cli {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string date_text(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%d/%m/%Y %H:%M UTC", &tm);
  return buf;
}

int list(storage::Store& store, std::ostream& out) {
  const auto grants = store.list_role_grants();
  if (grants.empty()) {
    out << "Aucun rôle accordé.\n";
    return 0;
  }
  for (const auto& g : grants) {
    out << g.user.email << "\t" << g.role << "\t" << date_text(g.granted_at) << "\n";
  }
  return 0;
}

}  // namespace

int run_roles_command(const RolesCommand& command, std::ostream& out, std::ostream& err) {
  const std::string email = lower(command.email);
  std::optional<domain::Role> role;
  if (command.verb != RolesVerb::List) {
    if (!formc::rt::is_valid_email(email)) {
      err << "formd roles : adresse électronique invalide : « " << command.email << " ».\n";
      return 2;
    }
    role = domain::parse_role(command.role);
    if (!role) {
      err << "formd roles : rôle invalide : « " << command.role << " ». Formats acceptés : "
          << "<fournisseur>:<définition>:<rôle>, <fournisseur>:*:<rôle> ou admin, où <rôle> est reporter, "
             "instructor, manager ou developer.\n";
      return 2;
    }
  }
  try {
    auto store = storage::SqliteStore::open(command.data_dir);
    if (command.verb == RolesVerb::List) return list(*store, out);
    const std::string text = domain::to_string(*role);
    if (command.verb == RolesVerb::Grant) {
      const auto user = store->ensure_user(email);
      if (store->grant_role(user.id, text)) {
        out << "Rôle « " << text << " » accordé à " << email << ".\n";
      } else {
        out << email << " a déjà le rôle « " << text << " ».\n";
      }
      return 0;
    }
    const auto user = store->find_user_by_email(email);
    if (user && store->revoke_role(user->id, text)) {
      out << "Rôle « " << text << " » retiré à " << email << ".\n";
    } else {
      out << email << " n’a pas le rôle « " << text << " ».\n";
    }
    return 0;
  } catch (const storage::StorageError& e) {
    err << "formd roles : " << e.what() << "\n";
    return 1;
  }
}

}  // namespace formd::cli
