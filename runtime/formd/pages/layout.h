// The DSFR page shell every formd page is rendered in
// (web/templates/layout*.mustache).
//
// Contract: render_page() returns a whole HTML document (lang="fr", skip
// link, header with the service name and the account links, main landmark
// id="contenu", footer). `title` and every other text is escaped by the
// template; `body_html` is trusted markup: a rendered template (web::render)
// or formc's fragments filled by render::fill_slots. Scripts are external
// files only (the CSP has no 'unsafe-inline'), listed in `scripts`, loaded at
// the end of the body.
#pragma once

#include <string>
#include <vector>

namespace formd::pages {

struct Viewer {
  bool logged_in = false;
  bool instructs = false;  // holds a role: the header links to the instruction space
  std::string name, email, organization_siret;
  std::string csrf_token;  // for the logout form
};

struct Breadcrumb {
  std::string label, href;  // href "" : the current page
};

struct PageShell {
  std::string title;  // the <title> and, unless `heading_in_body`, the h1
  std::string body_html;
  bool heading_in_body = false;  // the body has its own h1
  std::vector<Breadcrumb> breadcrumbs;
  std::vector<std::string> scripts;  // absolute URLs on formd
};

[[nodiscard]] std::string render_page(const PageShell& page, const Viewer& viewer);

}  // namespace formd::pages
