#include "pages/layout.h"

#include "web/view.h"

namespace formd::pages {

std::string render_page(const PageShell& page, const Viewer& viewer) {
  web::Data data;
  data.set("title", page.title);
  data.set("heading_in_body", page.heading_in_body);
  data.set("body_trusted_html", web::trusted_html(page.body_html));
  data.set("logged_in", viewer.logged_in);
  data.set("instructs", viewer.logged_in && viewer.instructs);
  data.set("name", viewer.name);
  data.set("csrf_token", viewer.csrf_token);
  web::List breadcrumbs;
  for (const auto& item : page.breadcrumbs) {
    web::Data b;
    b.set("label", item.label);
    b.set("href", item.href);
    b.set("current", item.href.empty());
    breadcrumbs.push_back(b);
  }
  data.set("has_breadcrumbs", !breadcrumbs.empty());
  data.set("breadcrumbs", breadcrumbs);
  web::List scripts;
  for (const auto& s : page.scripts) scripts.push_back(web::Data(s));
  data.set("scripts", scripts);
  return web::render("layout", data);
}

}  // namespace formd::pages
