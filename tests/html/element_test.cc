// The element builder escapes by construction (compiler/gen/html/element.h),
// the slot tokens are well-formed (slots.h) and ids are id-safe (ids.h).
#include <catch2/catch.hpp>

#include "gen/html/element.h"
#include "gen/html/ids.h"
#include "gen/html/scripts.h"
#include "gen/html/slots.h"

using namespace formc::gen::html;

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
  CHECK(sanitized_markup("<p>a <script>alert(1)</script><img src=x onerror=alert(1)></p>", Flow::Block) == "<p>a </p>");
  CHECK(sanitized_markup("<a href=\"javascript:alert(1)\" onclick=\"x\">y</a>", Flow::Block) == "<a>y</a>");
  // An unclosed <strong> cannot make the rest of the page bold.
  CHECK(sanitized_markup("<strong>bold", Flow::Block) == "<strong>bold</strong>");
  // Block content closes inline elements and paragraphs, as the HTML parser does.
  CHECK(sanitized_markup("<p>a<ul><li>b<li>c</ul>", Flow::Block) == "<p>a</p><ul><li>b</li><li>c</li></ul>");
  CHECK(sanitized_markup("<strong>x<p>y</p>", Flow::Block) == "<strong>x</strong><p>y</p>");
  CHECK(sanitized_markup("stray</p></b> <li>item</li>", Flow::Block) == "stray item");
  CHECK(sanitized_markup("a<br />b", Flow::Block) == "a<br>b");
  CHECK(sanitized_markup("{{value:x}}", Flow::Block) == "&#123;&#123;value:x&#125;&#125;");
  CHECK(sanitized_markup("line  \nnext", Flow::Block) == "line\nnext");
}

TEST_CASE("raw_sanitized in phrasing flow flattens paragraphs and lists") {
  CHECK(sanitized_markup("<p>Un</p><p>Deux <b>gras</b></p><ul><li>a</li><li>b</li></ul>", Flow::Phrasing) ==
        "Un<br>Deux <b>gras</b><br>a<br>b");
  CHECK(sanitized_markup("Texte <a href=\"https://x.fr\">lien</a>", Flow::Phrasing) == "Texte <a href=\"https://x.fr\">lien</a>");
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
