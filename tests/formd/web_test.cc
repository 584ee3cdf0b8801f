// Tests of formd::web (runtime/formd/web/view.h): every page template parses
// and renders, values are escaped in text and attributes, raw markup only
// through *_trusted_html keys, partials are templates and never values, and
// the page shell's header (templates/layout*.mustache).
#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "web/view.h"

namespace {

using formd::web::Data;
using formd::web::List;
using formd::web::render;
using formd::web::render_text;
using formd::web::template_names;
using formd::web::trusted_html;

constexpr const char* kHostile = "& < > \" ' {{x}}";
constexpr const char* kEscaped = "&amp; &lt; &gt; &quot; &#39; {{x}}";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("every template parses and renders with empty data") {
  const auto names = template_names();
  REQUIRE_FALSE(names.empty());
  CHECK(std::find(names.begin(), names.end(), "layout") != names.end());
  for (const auto& name : names) {
    INFO(name);
    std::string out;
    REQUIRE_NOTHROW(out = render(name, Data{}));
  }
  CHECK_THROWS_AS(render("no_such_template", Data{}), std::logic_error);
}

TEST_CASE("a value is escaped in text and in attributes") {
  Data data;
  data.set("x", kHostile);
  CHECK(render_text("t", "<p title=\"{{x}}\">{{x}}</p>", data) ==
        std::string("<p title=\"") + kEscaped + "\">" + kEscaped + "</p>");
  // The value is not a template: its braces stay as typed.
  CHECK(render_text("t", "{{x}}", data) == kEscaped);
  // In a list item and through {{.}} alike.
  List items;
  items.push_back(Data(kHostile));
  Data listed;
  listed.set("items", items);
  CHECK(render_text("t", "{{#items}}<li data-v=\"{{.}}\">{{.}}</li>{{/items}}", listed) ==
        std::string("<li data-v=\"") + kEscaped + "\">" + kEscaped + "</li>");
}

TEST_CASE("raw markup only through keys ending in _trusted_html") {
  Data data;
  data.set("x", "<b>x</b>");
  data.set("x_trusted_html", trusted_html("<b>x</b>"));
  CHECK_THROWS_AS(render_text("t", "{{{x}}}", data), std::logic_error);
  CHECK_THROWS_AS(render_text("t", "{{&x}}", data), std::logic_error);
  CHECK_THROWS_AS(render_text("t", "{{{ x }}}", data), std::logic_error);
  CHECK_THROWS_AS(render_text("t", "{{{x_trusted_html_not}}}", data), std::logic_error);
  // Read as kainjow reads tags: blanks before the kind, names with blanks.
  CHECK_THROWS_AS(render_text("t", "{{ & x }}", data), std::logic_error);
  CHECK_THROWS_AS(render_text("t", "{{{ x_trusted_html x }}}", data), std::logic_error);
  CHECK(render_text("t", "{{ x }}", data) == "&lt;b&gt;x&lt;/b&gt;");
  CHECK(render_text("t", "{{{x_trusted_html}}}", data) == "<b>x</b>");
  CHECK(render_text("t", "{{& x_trusted_html }}", data) == "<b>x</b>");
  // A change of delimiters would hide tags from that check.
  CHECK_THROWS_AS(render_text("t", "{{=<% %>=}}<%{x}%>", data), std::logic_error);
  CHECK_THROWS_AS(render_text("t", "{{ = <% %> = }}", data), std::logic_error);
}

TEST_CASE("partials are the other templates and never values") {
  Data data;
  data.set("badge_kind", "success");
  data.set("badge_label", kHostile);
  const std::string badge = render("badge", data);
  CHECK(contains(badge, "fr-badge--success"));
  CHECK(contains(badge, kEscaped));
  CHECK(render_text("t", "[{{> badge}}]", data) == "[" + badge + "]");
  // A value named like a partial is not taken for a template.
  data.set("badge", "{{{badge_label}}}<script>");
  CHECK(render_text("t", "[{{> badge}}]", data) == "[" + badge + "]");
  // A partial that does not exist is a bug, not an empty string.
  CHECK_THROWS_AS(render_text("t", "{{> no_such_partial}}", data), std::logic_error);
  CHECK_THROWS_AS(render_text("t", "{{ > no_such_partial }}", data), std::logic_error);
}

TEST_CASE("standalone tag lines leave no empty line") {
  Data data;
  data.set("yes", true);
  data.set("no", false);
  data.set("none", List{});
  CHECK(render_text("t", "a\n{{#yes}}\nY\n{{/yes}}\nb\n", data) == "a\nY\nb\n");
  CHECK(render_text("t", "a\n{{#no}}\nN\n{{/no}}\nb\n", data) == "a\nb\n");
  CHECK(render_text("t", "a\n  {{^no}}  \nN\n{{/no}}\nb\n", data) == "a\nN\nb\n");
  CHECK(render_text("t", "a\n{{#none}}\nL\n{{/none}}\nb\n", data) == "a\nb\n");
  CHECK(render_text("t", "a\n{{! a comment }}\nb\n", data) == "a\nb\n");
  CHECK(render_text("t", "a\n{{ #yes }}\nY\n{{ /yes }}\nb\n", data) == "a\nY\nb\n");
  // A value's own line breaks are kept.
  data.set("text", "x\n\ny");
  CHECK(render_text("t", "<p>{{text}}</p>\n", data) == "<p>x\n\ny</p>\n");
}

TEST_CASE("the page shell escapes the title and the user name and links to the instruction space only for role holders") {
  Data data;
  data.set("title", kHostile);
  data.set("body_trusted_html", trusted_html("<p id=\"corps\">Corps</p>"));
  data.set("logged_in", true);
  data.set("name", kHostile);
  data.set("csrf_token", "jeton");
  data.set("instructs", false);
  std::string page = render("layout", data);
  CHECK(contains(page, std::string("<title>") + kEscaped + " – DataPass</title>"));
  CHECK(contains(page, std::string("<h1>") + kEscaped + "</h1>"));
  CHECK(contains(page, "<p id=\"corps\">Corps</p>"));
  CHECK(contains(page, std::string("<span class=\"fr-sr-only\"> (") + kEscaped + ")</span>"));
  CHECK(contains(page, "href=\"/demandes\">Mes demandes</a>"));
  CHECK(contains(page, "<form method=\"post\" action=\"/deconnexion\"><input type=\"hidden\" name=\"_csrf\" value=\"jeton\">"));
  CHECK_FALSE(contains(page, "/instruction/demandes"));
  CHECK_FALSE(contains(page, "href=\"/connexion\""));

  data.set("instructs", true);
  page = render("layout", data);
  CHECK(contains(page, "href=\"/instruction/demandes\">Instruction</a>"));

  Data visitor;
  visitor.set("title", "Catalogue");
  page = render("layout", visitor);
  CHECK(contains(page, "href=\"/connexion\">Se connecter</a>"));
  CHECK_FALSE(contains(page, "Mes demandes"));
  CHECK_FALSE(contains(page, "/instruction/demandes"));
  CHECK_FALSE(contains(page, "/deconnexion"));
}

TEST_CASE("breadcrumbs link every item but the current page") {
  Data crumb_link;
  crumb_link.set("label", "Catalogue");
  crumb_link.set("href", "/?a=1&b=\"2\"");
  crumb_link.set("current", false);
  Data crumb_here;
  crumb_here.set("label", kHostile);
  crumb_here.set("href", "");
  crumb_here.set("current", true);
  List crumbs;
  crumbs.push_back(crumb_link);
  crumbs.push_back(crumb_here);
  Data data;
  data.set("has_breadcrumbs", true);
  data.set("breadcrumbs", crumbs);
  const std::string nav = render("layout_breadcrumbs", data);
  CHECK(contains(nav, "<a class=\"fr-breadcrumb__link\" href=\"/?a=1&amp;b=&quot;2&quot;\">Catalogue</a>"));
  CHECK(contains(nav, std::string("<a class=\"fr-breadcrumb__link\" aria-current=\"page\">") + kEscaped + "</a>"));
  CHECK(render("layout_breadcrumbs", Data{}).empty());
}
