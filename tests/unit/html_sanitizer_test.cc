// compiler/support/html.h: the one gate for HTML written in definitions.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "support/html.h"

using formc::support::escape_attribute;
using formc::support::escape_text;
using formc::support::looks_like_html;
using formc::support::sanitize_html;

namespace {

using formc::support::HtmlContext;

std::string clean(std::string_view in) { return sanitize_html(in).html; }
std::string intro(std::string_view in) { return sanitize_html(in, HtmlContext::Introduction).html; }

void check_well_formed_and_safe(const std::string& input, const std::string& out, const std::regex& tag_re);

bool removed_contains(std::string_view in, std::string_view what) {
  const auto r = sanitize_html(in);
  return std::any_of(r.removed.begin(), r.removed.end(), [&](const std::string& s) { return s.find(what) != std::string::npos; });
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The output grammar: text with entities, and only allowlisted tags whose
// only attribute is an http(s)/mailto href on <a>.
void check_well_formed_and_safe(const std::string& input, const std::string& out) {
  static const std::regex hint_re(
      R"(^/?(b|i|strong|em|p|ul|ol|li|a)$|^br /$|^a href="(https?://|mailto:)[^"<>]*"$)");
  check_well_formed_and_safe(input, out, hint_re);
}

// The grammar of an introduction: its tags, class tokens, an escaped title,
// a safe href, a fixed target and keyword rels; nothing else.
const std::regex& introduction_tag_re() {
  static const std::regex re(
      R"re(^/(b|i|u|strong|em|p|ul|ol|li|a|div|span|h[1-6]|blockquote)$|^(br|hr) ((class="[A-Za-z0-9_ -]*"|title="[^"<>]*") )*/$|)re"
      R"re(^(b|i|u|strong|em|p|ul|ol|li|a|div|span|h[1-6]|blockquote)( class="[A-Za-z0-9_ -]*"| title="[^"<>]*"|)re"
      R"re( href="(https?://|mailto:)[^"<>]*"| target="_(blank|self)"| rel="((noopener|noreferrer|nofollow|external) ?)+")*$)re");
  return re;
}

void check_well_formed_and_safe(const std::string& input, const std::string& out, const std::regex& tag_re) {
  static const std::regex entity_re(R"(^&([A-Za-z0-9]{1,32}|#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,8});)");
  INFO("input:  " << input);
  INFO("output: " << out);
  std::size_t i = 0;
  while (i < out.size()) {
    const char c = out[i];
    if (c == '<') {
      const std::size_t close = out.find('>', i);
      REQUIRE(close != std::string::npos);
      const std::string tag = out.substr(i + 1, close - i - 1);
      INFO("tag: <" << tag << ">");
      CHECK(std::regex_match(tag, tag_re));
      i = close + 1;
      continue;
    }
    CHECK(c != '>');
    if (c == '&') {
      std::smatch m;
      const std::string rest = out.substr(i, 48);
      CHECK(std::regex_search(rest, m, entity_re));
    }
    ++i;
  }
}

}  // namespace

TEST_CASE("allowlisted tags are kept", "[html]") {
  const std::string in =
      "<p>Texte <strong>gras</strong>, <em>italique</em>, <b>b</b>, <i>i</i>.</p>"
      "<ul><li>un</li><li>deux</li></ul><ol><li>trois</li></ol>";
  const auto r = sanitize_html(in);
  CHECK(r.html == in);
  CHECK(r.removed.empty());
  CHECK(clean("<P>Majuscules</P>") == "<p>Majuscules</p>");
}

TEST_CASE("br in every spelling becomes <br />", "[html]") {
  CHECK(clean("a<br>b") == "a<br />b");
  CHECK(clean("a<br/>b") == "a<br />b");
  CHECK(clean("a<br />b") == "a<br />b");
  CHECK(clean("a<br></br>b") == "a<br />b");
  CHECK(sanitize_html("a<br />b").removed.empty());
}

TEST_CASE("links keep http, https and mailto hrefs only", "[html]") {
  CHECK(clean("<a href=\"https://www.cnil.fr/fr/definition\">Plus d'infos</a>") ==
        "<a href=\"https://www.cnil.fr/fr/definition\">Plus d'infos</a>");
  CHECK(clean("<a href='http://a.fr'>x</a>") == "<a href=\"http://a.fr\">x</a>");
  CHECK(clean("<a href=mailto:dpo@demo.fr>x</a>") == "<a href=\"mailto:dpo@demo.fr\">x</a>");
  CHECK(clean("<a href=\"https://a.fr/?x=1&amp;y=2\">x</a>") == "<a href=\"https://a.fr/?x=1&amp;y=2\">x</a>");
  CHECK(sanitize_html("<a href=\"https://a.fr\">x</a>").removed.empty());
}

TEST_CASE("javascript: and other schemes are removed from links", "[html]") {
  for (const char* in : {"<a href=\"javascript:alert(1)\">x</a>", "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
                         "<a href=\" javascript:alert(1)\">x</a>", "<a href=\"java\tscript:alert(1)\">x</a>",
                         "<a href=\"&#106;avascript:alert(1)\">x</a>", "<a href=\"data:text/html,<script>\">x</a>",
                         "<a href=\"vbscript:msgbox\">x</a>", "<a href=\"/relatif\">x</a>"}) {
    INFO(in);
    CHECK(clean(in) == "<a>x</a>");
    CHECK(removed_contains(in, "link that is not http, https or mailto"));
  }
}

TEST_CASE("other tags are stripped and their text kept", "[html]") {
  CHECK(clean("<div><h1>Titre</h1><span class=\"fr-badge\">Nouveau</span></div>") == "TitreNouveau");
  CHECK(removed_contains("<span>x</span>", "<span>"));
  CHECK(clean("<table><tr><td>cellule</td></tr></table>") == "cellule");
  CHECK(clean("<img src=x>avant<img src=y>après") == "avantaprès");
}

TEST_CASE("script and style lose their content", "[html]") {
  CHECK(clean("<p>a</p><script>alert('x')</script><p>b</p>") == "<p>a</p><p>b</p>");
  CHECK(clean("<style>p { color: red }</style>texte") == "texte");
  CHECK(clean("<SCRIPT type=\"text/javascript\">var a = '<p>';</SCRIPT>fin") == "fin");
  CHECK(clean("début<script>jamais fermé <p>x</p>") == "début");
  CHECK(removed_contains("<script>x</script>", "<script> and its content"));
}

TEST_CASE("attributes are dropped", "[html]") {
  CHECK(clean("<p class=\"fr-text\" onclick=\"alert(1)\">t</p>") == "<p>t</p>");
  CHECK(removed_contains("<p onclick=\"alert(1)\">t</p>", "attribute 'onclick' of <p>"));
  CHECK(clean("<a href=\"https://a.fr\" target=\"_blank\" rel=\"noopener\">x</a>") == "<a href=\"https://a.fr\">x</a>");
  CHECK(removed_contains("<a href=\"https://a.fr\" target=\"_blank\">x</a>", "attribute 'target' of <a>"));
}

TEST_CASE("stray < > and & are escaped, entities are kept", "[html]") {
  CHECK(clean("a < b & c > d") == "a &lt; b &amp; c &gt; d");
  CHECK(clean("3 <4") == "3 &lt;4");
  CHECK(clean("&amp; &eacute; &#233; &#xE9;") == "&amp; &eacute; &#233; &#xE9;");
  CHECK(clean("AT&T;") == "AT&T;");  // looks like an entity: left alone, still well-formed
  CHECK(clean("R&D") == "R&amp;D");
  CHECK(clean("<<p>>") == "&lt;<p>&gt;");
}

TEST_CASE("comments are removed", "[html]") {
  CHECK(clean("a<!-- secret -->b") == "ab");
  CHECK(clean("a<!-- jamais fermé") == "a");
  CHECK(clean("<!--<script>alert(1)</script>-->ok") == "ok");
  CHECK(removed_contains("a<!-- x -->", "comment"));
}

TEST_CASE("attribute values cannot break out of the href", "[html]") {
  const std::string out = clean("<a href='https://a.fr/\"onmouseover=\"alert(1)'>x</a>");
  CHECK(out.find("\"onmouseover") == std::string::npos);
  CHECK(out.find("&quot;onmouseover=&quot;") != std::string::npos);
  check_well_formed_and_safe("quote breakout", out);
}

TEST_CASE("escaping primitives", "[html]") {
  CHECK(escape_text("<a> & \"b\" 'c'") == "&lt;a&gt; &amp; \"b\" 'c'");
  CHECK(escape_attribute("<a> & \"b\" 'c'") == "&lt;a&gt; &amp; &quot;b&quot; &#39;c&#39;");
  CHECK(looks_like_html("<p>x</p>"));
  CHECK(looks_like_html("caf&eacute;"));
  CHECK_FALSE(looks_like_html("a < b et c > d"));
  CHECK_FALSE(looks_like_html("R&D"));
}

TEST_CASE("hostile strings (XSS cheat sheet) never produce script, handlers or javascript: links", "[html][hostile]") {
  const std::vector<std::string> vectors = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
      "<IMG SRC=\"javascript:alert('XSS');\">",
      "<IMG SRC=javascript:alert('XSS')>",
      "<IMG SRC=JaVaScRiPt:alert('XSS')>",
      "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
      "<IMG SRC=# onmouseover=\"alert('xxs')\">",
      "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
      "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097\">",
      "<IMG SRC=\"jav\tascript:alert('XSS');\">",
      "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
      "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
      "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
      "<iframe src=http://xss.rocks/scriptlet.html <",
      "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
      "<svg/onload=alert(1)>",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<a href=\"https://ok.fr\" onclick=\"alert(1)\">x</a>",
      "<p style=\"background:url(javascript:alert(1))\">x</p>",
      "<a href=\"https://ok.fr\" href=\"javascript:alert(1)\">x</a>",
      "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
      "\"><script>alert(1)</script>",
      "<script>alert(1)",
      "<![CDATA[<script>alert(1)</script>]]>",
      "<a href=\"javascript&colon;alert(1)\">x</a>",
      "<p onerror=alert(1)>x</p>",
      "<a href=\"https://a.fr\"onerror=\"alert(1)\">x</a>",
      "<a onerror='alert(1)' href=https://a.fr>x</a>",
      "<object data=\"javascript:alert(1)\"></object>",
      "<embed src=\"javascript:alert(1)\">",
      "<form action=\"javascript:alert(1)\"><input type=submit></form>",
      "<isindex type=image src=1 onerror=alert(1)>",
      "<details open ontoggle=alert(1)>",
      "<body onload=alert(1)>",
      "<video><source onerror=\"alert(1)\">",
      "<script\n>alert(1)</script\n>",
      "<script >alert(1)</script >",
      "<ScRiPt>alert(1)</sCrIpT>",
      "<style>@import 'javascript:alert(1)';</style>",
      "<a href=\"\x01javascript:alert(1)\">x</a>",
      "<a/href=\"javascript:alert(1)\">x</a>",
      "<a href =  javascript:alert(1)>x</a>",
      "<<a href=javascript:alert(1)>x</a>",
      "<a href=\"javascript:alert(1)\"<b>x</b>",
      "<p <script>alert(1)</script>>",
      "<p title=\"</p><script>alert(1)</script>\">x</p>",
  };
  for (const auto& v : vectors) {
    const auto r = sanitize_html(v);
    const std::string out = lower(r.html);
    INFO("input:  " << v);
    INFO("output: " << r.html);
    CHECK(out.find("<script") == std::string::npos);
    CHECK(out.find("onerror=") == std::string::npos);
    CHECK(out.find("javascript:") == std::string::npos);
    CHECK(out.find("onload") == std::string::npos);
    check_well_formed_and_safe(v, r.html);
  }
}

TEST_CASE("random markup soup: always well-formed, safe and idempotent", "[html][hostile]") {
  const std::vector<std::string> pieces = {"<", ">", "</", "/>", "p", "a", "br", "script", "style", "img", "ul", "li",
                                           " ", "=", "\"", "'", "href", "onerror", "javascript:", "https://a.fr", "&",
                                           "&amp;", "&#x3c;", ";", "<!--", "-->", "x", "é", "\n", "\t", "mailto:"};
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string in;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) in += pieces[rng() % pieces.size()];
    const auto first = sanitize_html(in);
    check_well_formed_and_safe(in, first.html);
    const auto second = sanitize_html(first.html);
    INFO("input: " << in);
    CHECK(second.html == first.html);
    CHECK(second.removed.empty());
  }
}

// ---- one allow-list per context, as DataPass renders each kind of text -----

TEST_CASE("an introduction keeps the structure DataPass shows", "[html][introduction]") {
  const std::string in =
      "<div class=\"etapes fr-mb-2w\"><h3 title=\"Première étape\">1. Votre projet</h3>"
      "<p><span class=\"fr-badge fr-badge--new\">Nouveau</span> <u>souligné</u></p>"
      "<blockquote>Citation</blockquote><hr />"
      "<h4>Ensuite</h4><ol><li>un</li></ol>"
      "<a href=\"https://api.gouv.fr\" target=\"_blank\" rel=\"noopener noreferrer\">lien</a></div>";
  const auto r = sanitize_html(in, HtmlContext::Introduction);
  CHECK(r.html == in);
  CHECK(r.removed.empty());
  // The same text as a hint loses what only introductions keep.
  const auto hint = sanitize_html(in, HtmlContext::Hint);
  CHECK(hint.html.find("<div") == std::string::npos);
  CHECK(hint.html.find("class=") == std::string::npos);
  CHECK(std::find(hint.removed.begin(), hint.removed.end(), "<div>") != hint.removed.end());
}

TEST_CASE("an introduction loses scripts, handlers, styles and unsafe links", "[html][introduction][hostile]") {
  const std::string in =
      "<div class=\"a\" style=\"position:fixed\" onclick=\"steal()\" id=\"x\">"
      "<script>alert(1)</script><style>body{display:none}</style>"
      "<h3 onmouseover=\"alert(1)\">Titre</h3><img src=x onerror=alert(1)><iframe src=\"https://evil\"></iframe>"
      "<a href=\"javascript:alert(1)\" target=\"_blank\">js</a><a href=\"data:text/html,x\">data</a>"
      "<a href=\"https://a.fr\" target=\"_parent\" rel=\"x&quot; onclick\">t</a>"
      "<span class='\"><script>alert(1)</script>'>c</span><p title=\"&quot;><script>\">t</p>"
      "<svg onload=alert(1)><form action=\"https://evil\"><input name=x></form></div>";
  const auto r = sanitize_html(in, HtmlContext::Introduction);
  const std::string out = lower(r.html);
  INFO(r.html);
  for (const char* banned : {"<script", "<style", "style=", "onclick", "onmouseover", "onerror", "onload", "<img", "<iframe",
                             "javascript:", "data:", "_parent", "<svg", "<form", "<input", " id="}) {
    INFO(banned);
    CHECK(out.find(banned) == std::string::npos);
  }
  // Structure and text survive.
  CHECK(r.html.rfind("<div class=\"a\">", 0) == 0);
  CHECK(r.html.find("<h3>Titre</h3>") != std::string::npos);
  // A new tab cannot reach back to the page: rel=noopener is added; a link
  // whose href went keeps neither target nor rel.
  CHECK(r.html.find("<a href=\"https://a.fr\" rel=\"noopener\">t</a>") == std::string::npos);
  CHECK(r.html.find("<a href=\"https://a.fr\">t</a>") != std::string::npos);
  CHECK(r.html.find("<a>js</a>") != std::string::npos);
  CHECK(sanitize_html("<a target=_blank href=https://a.fr>x</a>", HtmlContext::Introduction).html ==
        "<a target=\"_blank\" href=\"https://a.fr\" rel=\"noopener\">x</a>");
  for (const char* what : {"<script> and its content", "<style> and its content", "attribute 'style' of <div>",
                           "attribute 'onclick' of <div>", "attribute 'id' of <div>", "<img>", "<iframe>",
                           "link that is not http, https or mailto", "target other than _blank or _self",
                           "rel value other than noopener, noreferrer, nofollow or external",
                           "class name with characters other than letters, digits, '-' and '_'"}) {
    INFO(what);
    CHECK(std::find(r.removed.begin(), r.removed.end(), what) != r.removed.end());
  }
  check_well_formed_and_safe(in, r.html, introduction_tag_re());
  // Idempotent: what was kept is kept again, with nothing more to remove.
  const auto again = sanitize_html(r.html, HtmlContext::Introduction);
  CHECK(again.html == r.html);
  CHECK(again.removed.empty());
}

TEST_CASE("an eligibility body keeps DataPass's b i strong em p a br", "[html][eligibility]") {
  const std::string kept =
      "<p><b>b</b> <i>i</i> <strong>s</strong> <em>e</em><br /><a href=\"https://a.fr\" target=\"_blank\" rel=\"noopener\">a</a></p>";
  CHECK(sanitize_html(kept, HtmlContext::EligibilityBody).html == kept);
  CHECK(sanitize_html(kept, HtmlContext::EligibilityBody).removed.empty());
  const auto r = sanitize_html("<ul><li>un</li></ul><span class=\"x\">s</span><div>d</div>", HtmlContext::EligibilityBody);
  CHECK(r.html == "unsd");
  CHECK(r.removed == std::vector<std::string>{"<div>", "<li>", "<span>", "<ul>"});
}

TEST_CASE("a card description keeps strong em b i u br", "[html][card]") {
  const auto r = sanitize_html("<strong>s</strong><em>e</em><b>b</b><i>i</i><u>u</u><br><p>p</p><a href=\"https://a.fr\">a</a>",
                               HtmlContext::CardDescription);
  CHECK(r.html == "<strong>s</strong><em>e</em><b>b</b><i>i</i><u>u</u><br />pa");
  CHECK(r.removed == std::vector<std::string>{"<a>", "<p>"});
}

TEST_CASE("random markup soup as an introduction: well-formed, safe and idempotent", "[html][introduction][hostile]") {
  const std::vector<std::string> pieces = {"<", ">", "</", "/>", "div", "h3", "a", "hr", "script", "style", "class", "title",
                                           "target", "rel", "_blank", "_top", " ", "=", "\"", "'", "href", "onclick",
                                           "javascript:", "https://a.fr", "&", "&quot;", ";", "x y", "é", "\n", "span"};
  std::mt19937 rng(12);
  for (int round = 0; round < 3000; ++round) {
    std::string in;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) in += pieces[rng() % pieces.size()];
    const auto first = sanitize_html(in, HtmlContext::Introduction);
    check_well_formed_and_safe(in, first.html, introduction_tag_re());
    const auto second = sanitize_html(first.html, HtmlContext::Introduction);
    INFO("input: " << in);
    CHECK(second.html == first.html);
    CHECK(second.removed.empty());
  }
}
