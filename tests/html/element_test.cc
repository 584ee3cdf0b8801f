// The element builder escapes by construction (compiler/gen/html/element.h),
// the slot tokens are well-formed (slots.h) and ids are id-safe (ids.h).
#include <catch2/catch.hpp>

#include "gen/html/element.h"
#include "gen/html/ids.h"
#include "gen/html/scripts.h"
#include "gen/html/slots.h"

using namespace formc::gen::html;
using formc::support::HtmlContext;

TEST_CASE("element builder escapes text and attribute values") {
  Element p("p");
  p.attr("title", "a\"b'c<d>&{{x}}").text("<script>alert(1)</script> & {{value:x}}");
  CHECK(p.render() ==
        "<p title=\"a&quot;b&#39;c&lt;d&gt;&amp;&#123;&#123;x&#125;&#125;\">"
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#123;&#123;value:x&#125;&#125;</p>\n");
}

TEST_CASE("element builder pretty-prints containers and keeps phrasing on one line") {
  Element div("div");
  Element label("label");
  label.cls("fr-label").attr("for", "x").text("Nom");
  Element input("input");
  input.cls("fr-input").id("x").flag("required");
  div.cls("fr-input-group").child(std::move(label)).child(std::move(input));
  CHECK(div.render() ==
        "<div class=\"fr-input-group\">\n"
        "  <label class=\"fr-label\" for=\"x\">Nom</label>\n"
        "  <input class=\"fr-input\" id=\"x\" required>\n"
        "</div>\n");
}

TEST_CASE("href keeps only http, https, mailto and site paths") {
  CHECK(is_safe_url("https://example.org/a?b=1&c=2"));
  CHECK(is_safe_url("http://x.fr"));
  CHECK(is_safe_url("mailto:a@b.fr"));
  CHECK(is_safe_url("/cgus/x.pdf"));
  CHECK_FALSE(is_safe_url("javascript:alert(1)"));
  CHECK_FALSE(is_safe_url(" javascript:alert(1)"));
  CHECK_FALSE(is_safe_url("JaVaScRiPt:alert(1)"));
  CHECK_FALSE(is_safe_url("data:text/html,<script>"));
  CHECK_FALSE(is_safe_url("//evil.example/x"));
  CHECK_FALSE(is_safe_url("/\\evil.example"));
  CHECK_FALSE(is_safe_url("relative/path"));
  CHECK_FALSE(is_safe_url(""));
  Element a("a");
  CHECK_FALSE(a.href("javascript:alert(1)"));
  CHECK(a.render() == "<a></a>\n");
  CHECK(a.href("https://x.fr/?a='1'&b=2"));
  CHECK(a.render() == "<a href=\"https://x.fr/?a=&#39;1&#39;&amp;b=2\"></a>\n");
}

TEST_CASE("raw_sanitized passes sanitize_html and balances tags") {
  CHECK(sanitized_markup("<p>a <script>alert(1)</script><img src=x onerror=alert(1)></p>", HtmlContext::Hint, Flow::Block) == "<p>a </p>");
  CHECK(sanitized_markup("<a href=\"javascript:alert(1)\" onclick=\"x\">y</a>", HtmlContext::Hint, Flow::Block) == "<a>y</a>");
  // An unclosed <strong> cannot make the rest of the page bold.
  CHECK(sanitized_markup("<strong>bold", HtmlContext::Hint, Flow::Block) == "<strong>bold</strong>");
  // Block content closes inline elements and paragraphs, as the HTML parser does.
  CHECK(sanitized_markup("<p>a<ul><li>b<li>c</ul>", HtmlContext::Hint, Flow::Block) == "<p>a</p><ul><li>b</li><li>c</li></ul>");
  CHECK(sanitized_markup("<strong>x<p>y</p>", HtmlContext::Hint, Flow::Block) == "<strong>x</strong><p>y</p>");
  CHECK(sanitized_markup("stray</p></b> <li>item</li>", HtmlContext::Hint, Flow::Block) == "stray item");
  CHECK(sanitized_markup("a<br />b", HtmlContext::Hint, Flow::Block) == "a<br>b");
  CHECK(sanitized_markup("{{value:x}}", HtmlContext::Hint, Flow::Block) == "&#123;&#123;value:x&#125;&#125;");
  CHECK(sanitized_markup("line  \nnext", HtmlContext::Hint, Flow::Block) == "line\nnext");
}

TEST_CASE("an introduction keeps its div, heading and class structure, balanced") {
  const std::string in =
      "<div class=\"etapes\"><h3 class=\"etapes__titre\">Étapes</h3>"
      "<div class=\"etape\"><span class=\"num\">1</span> <b>Projet</b></div>"
      "<div class=\"etape\" onclick=\"x()\" style=\"color:red\"><script>alert(1)</script>2 "
      "<a href=\"javascript:alert(1)\" target=\"_blank\">Données</a></div>"
      "<blockquote>Note</blockquote><hr /><a href=\"https://api.gouv.fr\" target=\"_blank\">Guide</a></div>";
  CHECK(sanitized_markup(in, HtmlContext::Introduction, Flow::Block) ==
        "<div class=\"etapes\"><h3 class=\"etapes__titre\">Étapes</h3>"
        "<div class=\"etape\"><span class=\"num\">1</span> <b>Projet</b></div>"
        "<div class=\"etape\">2 <a>Données</a></div>"
        "<blockquote>Note</blockquote><hr><a href=\"https://api.gouv.fr\" target=\"_blank\" rel=\"noopener\">Guide</a></div>");
  // Unclosed containers are closed; a heading or a div closes an open <p> or
  // <span>, as the HTML parser does; blocks right in a list keep their text.
  CHECK(sanitized_markup("<div><p>a<h3>b</h3><span>c<div>d", HtmlContext::Introduction, Flow::Block) ==
        "<div><p>a</p><h3>b</h3><span>c</span><div>d</div></div>");
  CHECK(sanitized_markup("<ul><div>x</div><li>y<div>z</div></ul>", HtmlContext::Introduction, Flow::Block) ==
        "<ul>x<li>y<div>z</div></li></ul>");
  // In a phrasing context the same markup becomes line breaks.
  CHECK(sanitized_markup("<div>a</div><h3>b</h3><hr>c", HtmlContext::Introduction, Flow::Phrasing) == "a<br>b<br><br>c");
}

TEST_CASE("raw_sanitized in phrasing flow flattens paragraphs and lists") {
  CHECK(sanitized_markup("<p>Un</p><p>Deux <b>gras</b></p><ul><li>a</li><li>b</li></ul>", HtmlContext::Hint, Flow::Phrasing) ==
        "Un<br>Deux <b>gras</b><br>a<br>b");
  CHECK(sanitized_markup("Texte <a href=\"https://x.fr\">lien</a>", HtmlContext::Hint, Flow::Phrasing) == "Texte <a href=\"https://x.fr\">lien</a>");
}

TEST_CASE("slots: percent-encoded arguments, lowercase hex") {
  CHECK(slot::value("intitule").token() == "{{value:intitule}}");
  CHECK(slot::checked("scopes", "a b/\"c\"").token() == "{{checked:scopes:a%20b%2f%22c%22}}");
  CHECK(slot::selected("x", "").token() == "{{selected:x:}}");
  CHECK(slot::state("x", "fr-input-group").token() == "{{state:x:fr-input-group}}");
  CHECK(slot::hidden("field", "x:y").token() == "{{hidden:field:x%3ay}}");
  CHECK(slot::error_summary().token() == "{{error_summary}}");
  Element input("input");
  input.attr("value", "", slot::value("a")).flag(slot::checked("a", "1"));
  CHECK(input.render() == "<input value=\"{{value:a}}\" {{checked:a:1}}>\n");
}

TEST_CASE("comments cannot close early or look like slots") {
  Document doc;
  doc.comment("a --> b {{value:x}}");
  CHECK(doc.render() == "<!-- a - -&gt; b ((value:x)) -->\n");
}

TEST_CASE("ids are id-safe and unique within a group") {
  CHECK(field_id("contact_technique_email") == "contact_technique_email");
  CHECK(field_id("2fa") == "f_2fa");
  CHECK(field_id("a-b c") == "a_b_c");
  CHECK(id_part("dgfip_IndLep") == "dgfip_IndLep");
  CHECK(id_part("b c/d") == "b_c_d");
  OptionIds ids("x");
  CHECK(ids.next("a b") == "x-a_b");
  CHECK(ids.next("a_b") == "x-a_b-2");
  CHECK(ids.next("messages") == "x-messages-2");  // x-messages is the group's
  CHECK(ids.next("legend") == "x-legend-2");
}

TEST_CASE("JS string literals are ASCII and safe in any script context") {
  CHECK(js_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(js_string("</script>") == "\"\\u003c/script\\u003e\"");
  CHECK(js_string("é\xE2\x80\xA8") == "\"\\u00e9\\u2028\"");
  CHECK(js_string("\xF0\x9F\x98\x80") == "\"\\ud83d\\ude00\"");
}
