#include "pages/layout.h"

#include "render/slot_filler.h"

namespace formd::pages {

std::string esc(std::string_view text) { return render::escape_html(text); }

std::string alert(std::string_view kind, std::string_view title, std::string_view message) {
  std::string out = "<div class=\"fr-alert fr-alert--" + esc(kind) + " fr-mb-3w\">";
  out += "<h2 class=\"fr-alert__title\">" + esc(title) + "</h2>";
  if (!message.empty()) out += "<p>" + esc(message) + "</p>";
  out += "</div>";
  return out;
}

std::string csrf_input(std::string_view token) {
  return "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(token) + "\">";
}

namespace {

std::string header(const Viewer& viewer) {
  std::string out =
      "<header role=\"banner\" class=\"fr-header\">\n"
      "<div class=\"fr-header__body\"><div class=\"fr-container\"><div class=\"fr-header__body-row\">\n"
      "<div class=\"fr-header__brand fr-enlarge-link\">\n"
      "<div class=\"fr-header__brand-top\"><div class=\"fr-header__logo\"><p class=\"fr-logo\">République<br>Française</p></div></div>\n"
      "<div class=\"fr-header__service\"><a href=\"/\" title=\"Accueil - DataPass\"><p class=\"fr-header__service-title\">DataPass</p></a>"
      "<p class=\"fr-header__service-tagline\">Les habilitations aux données et API de l’État</p></div>\n"
      "</div>\n"
      "<div class=\"fr-header__tools\"><div class=\"fr-header__tools-links\"><ul class=\"fr-btns-group\">\n";
  if (viewer.logged_in) {
    out += "<li><a class=\"fr-btn fr-icon-file-text-line\" href=\"/demandes\">Mes demandes</a></li>\n";
    out += "<li><form method=\"post\" action=\"/deconnexion\">" + csrf_input(viewer.csrf_token) +
           "<button type=\"submit\" class=\"fr-btn fr-icon-logout-box-r-line\">Se déconnecter<span class=\"fr-sr-only\"> (" +
           esc(viewer.name) + ")</span></button></form></li>\n";
  } else {
    out += "<li><a class=\"fr-btn fr-icon-account-circle-line\" href=\"/connexion\">Se connecter</a></li>\n";
  }
  out += "</ul></div></div>\n</div></div></div>\n</header>\n";
  return out;
}

std::string breadcrumbs(const std::vector<Breadcrumb>& items) {
  if (items.empty()) return "";
  std::string out =
      "<nav role=\"navigation\" class=\"fr-breadcrumb\" aria-label=\"vous êtes ici :\">"
      "<div class=\"fr-collapse\" id=\"formd-breadcrumb\"><ol class=\"fr-breadcrumb__list\">";
  for (const auto& item : items) {
    if (item.href.empty()) {
      out += "<li><a class=\"fr-breadcrumb__link\" aria-current=\"page\">" + esc(item.label) + "</a></li>";
    } else {
      out += "<li><a class=\"fr-breadcrumb__link\" href=\"" + esc(item.href) + "\">" + esc(item.label) + "</a></li>";
    }
  }
  out += "</ol></div></nav>\n";
  return out;
}

const char* kFooter =
    "<footer class=\"fr-footer fr-mt-5w\" role=\"contentinfo\" id=\"footer\">\n"
    "<div class=\"fr-container\"><div class=\"fr-footer__body\">\n"
    "<div class=\"fr-footer__brand fr-enlarge-link\"><a href=\"/\" title=\"Retour à l’accueil du site - DataPass\">"
    "<p class=\"fr-logo\">République<br>Française</p></a></div>\n"
    "<div class=\"fr-footer__content\"><p class=\"fr-footer__content-desc\">DataPass simplifie l’accès aux données et "
    "API de l’administration : une demande d’habilitation, instruite par le fournisseur de données.</p></div>\n"
    "</div></div>\n</footer>\n";

}  // namespace

std::string render_page(const PageShell& page, const Viewer& viewer) {
  std::string out =
      "<!doctype html>\n<html lang=\"fr\" data-fr-scheme=\"light\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"format-detection\" content=\"telephone=no\">\n<title>";
  out += esc(page.title) + " – DataPass</title>\n";
  out += "<link rel=\"stylesheet\" href=\"/static/dsfr/dsfr.min.css\">\n"
         "<link rel=\"stylesheet\" href=\"/static/dsfr/utility/icons/icons.min.css\">\n"
         "<link rel=\"stylesheet\" href=\"/static/formd/formd.css\">\n"
         "<link rel=\"icon\" href=\"/static/dsfr/favicon/favicon.svg\" type=\"image/svg+xml\">\n"
         "</head>\n<body>\n"
         "<div class=\"fr-skiplinks\"><nav class=\"fr-container\" role=\"navigation\" aria-label=\"Accès rapide\">"
         "<ul class=\"fr-skiplinks__list\"><li><a class=\"fr-link\" href=\"#contenu\">Contenu</a></li>"
         "<li><a class=\"fr-link\" href=\"#footer\">Pied de page</a></li></ul></nav></div>\n";
  out += header(viewer);
  out += "<main id=\"contenu\" role=\"main\" tabindex=\"-1\"><div class=\"fr-container fr-pt-2w fr-pb-6w\">\n";
  out += page.banner_html;
  out += breadcrumbs(page.breadcrumbs);
  if (!page.heading_in_body) out += "<h1>" + esc(page.title) + "</h1>\n";
  out += page.body_html;
  out += "\n</div></main>\n";
  out += kFooter;
  for (const auto& s : page.scripts) out += "<script src=\"" + esc(s) + "\"></script>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace formd::pages
