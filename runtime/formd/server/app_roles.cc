// Managers grant and revoke the roles of their definitions
// (/instruction/roles). A manager of `<provider>:<definition>` grants
// reporter, instructor or manager on that definition only; the command line
// (`formd roles …`, cli/roles_command.h) remains the way to grant anything
// else (admin, `<provider>:*`).
#include <algorithm>

#include "formc/runtime/formats.h"
#include "formc/runtime/strings.h"
#include "http/messages.h"
#include "server/app.h"

namespace formd {

namespace {

std::string role_label(const domain::Role& role, const catalog::Catalog& catalog) {
  std::string kind;
  switch (role.kind) {
    case domain::RoleKind::Reporter: kind = "Rapporteur"; break;
    case domain::RoleKind::Instructor: kind = "Instructeur"; break;
    case domain::RoleKind::Manager: kind = "Gestionnaire"; break;
    case domain::RoleKind::Developer: kind = "Développeur"; break;
  }
  const auto* d = catalog.find_definition(role.definition);
  return kind + " – " + (d ? d->name : role.definition);
}

}  // namespace

void App::roles_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm&) {
  const auto catalog = catalogs_.current();
  const auto actor = app::actor_of(*caller.user, store_);
  const auto managed = instructed_definitions(actor, *catalog, domain::RoleKind::Manager);
  if (managed.empty()) {
    return send_error_page(res, 403, "Accès refusé", "Seuls les gestionnaires d’une habilitation gèrent ses rôles.", caller);
  }
  web::Data data;
  web::List grants;
  for (const auto& grant : store_.list_role_grants()) {
    const auto role = domain::parse_role(grant.role);
    if (!role || role->admin) continue;
    const bool on_managed = std::any_of(managed.begin(), managed.end(), [&](const auto* d) {
      return d->provider == role->provider && d->id == role->definition;
    });
    if (!on_managed) continue;
    web::Data item;
    item.set("email", grant.user.email);
    item.set("role", grant.role);
    item.set("role_label", role_label(*role, *catalog));
    item.set("csrf", caller.csrf_token);
    grants.push_back(item);
  }
  data.set("grants", grants);
  web::List definitions;
  for (const auto* d : managed) {
    web::Data o;
    o.set("value", d->id);
    o.set("label", d->name);
    definitions.push_back(o);
  }
  data.set("definitions", definitions);
  data.set("csrf", caller.csrf_token);
  const std::string done = req.get_param_value("fait");
  const std::string notice = done == "accorde" ? "Le rôle a été accordé." : done == "retire" ? "Le rôle a été retiré." : "";
  data.set("has_notice", !notice.empty());
  data.set("notice", notice);
  data.set("has_error", false);
  pages::PageShell page;
  page.title = "Gérer les rôles – Instruction";
  page.heading_in_body = true;
  page.body_html = web::render("roles", data);
  page.breadcrumbs = {{"Instruction", "/instruction/demandes"}, {"Rôles", ""}};
  send_page(res, 200, std::move(page), caller);
}

// POST /instruction/roles (email, definition, role) and /instruction/roles/retirer (email, role).
void App::grant_role(const httplib::Request&, httplib::Response& res, const Caller& caller, const PostedForm& form) {
  const auto& pairs = form.pairs;
  const auto catalog = catalogs_.current();
  const auto actor = app::actor_of(*caller.user, store_);
  std::string email = http::form_value(pairs, "email");
  for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto* definition = catalog->find_definition(http::form_value(pairs, "definition"));
  const std::string kind = http::form_value(pairs, "role");
  if (!definition || !actor.roles.has(domain::RoleKind::Manager, definition->provider, definition->id)) {
    return send_error_page(res, 403, "Accès refusé", "Vous ne gérez pas les rôles de cette habilitation.", caller);
  }
  if (!formc::rt::is_valid_email(email) || (kind != "reporter" && kind != "instructor" && kind != "manager")) {
    return send_error_page(res, 422, "Rôle non accordé", "Indiquez une adresse électronique valide et un rôle.", caller);
  }
  const auto user = store_.ensure_user(email);
  store_.grant_role(user.id, definition->provider + ":" + definition->id + ":" + kind);
  http::redirect(res, "/instruction/roles?fait=accorde");
}

void App::revoke_role(const httplib::Request&, httplib::Response& res, const Caller& caller, const PostedForm& form) {
  const auto& pairs = form.pairs;
  const auto actor = app::actor_of(*caller.user, store_);
  const auto role = domain::parse_role(http::form_value(pairs, "role"));
  if (!role || role->admin || role->definition == "*" ||
      !actor.roles.has(domain::RoleKind::Manager, role->provider, role->definition)) {
    return send_error_page(res, 403, "Accès refusé", "Vous ne gérez pas ce rôle.", caller);
  }
  std::string email = http::form_value(pairs, "email");
  for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (const auto user = store_.find_user_by_email(email)) store_.revoke_role(user->id, domain::to_string(*role));
  http::redirect(res, "/instruction/roles?fait=retire");
}

}  // namespace formd
