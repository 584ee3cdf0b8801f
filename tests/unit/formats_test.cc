// runtime/include/formc/runtime/formats.h: the hand-written value checks, and
// their equivalence with the k*Pattern regular expressions the JSON Schema
// generator emits (checked with std::regex ECMAScript, the same dialect).

#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "formc/runtime/formats.h"

namespace rt = formc::rt;

namespace {

// ---------------------------------------------------------------------------
// String generation: valid seeds, mutated, plus random strings.

class Generator {
 public:
  explicit Generator(std::uint32_t seed, std::string alphabet) : rng_(seed), alphabet_(std::move(alphabet)) {}

  std::string random_string(std::size_t max_len) {
    std::string s;
    const std::size_t n = rng_() % (max_len + 1);
    for (std::size_t i = 0; i < n; ++i) s += pick();
    return s;
  }

  std::string mutate(std::string s) {
    const int edits = 1 + static_cast<int>(rng_() % 3);
    for (int k = 0; k < edits; ++k) {
      const std::size_t pos = s.empty() ? 0 : rng_() % (s.size() + 1);
      switch (rng_() % 5) {
        case 0: s.insert(pos, 1, pick()); break;
        case 1:
          if (pos < s.size()) s.erase(pos, 1);
          break;
        case 2:
          if (pos < s.size()) s[pos] = pick();
          break;
        case 3:  // duplicate a chunk
          if (!s.empty() && pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng_() % 4));
          break;
        default:  // swap two characters
          if (s.size() > 1) std::swap(s[rng_() % s.size()], s[rng_() % s.size()]);
      }
    }
    return s;
  }

  // Seeds, each mutated `rounds` times, plus `randoms` random strings.
  std::vector<std::string> corpus(const std::vector<std::string>& seeds, int rounds, int randoms, std::size_t max_len) {
    std::vector<std::string> out = seeds;
    for (const auto& seed : seeds) {
      for (int i = 0; i < rounds; ++i) out.push_back(mutate(seed));
    }
    for (int i = 0; i < randoms; ++i) out.push_back(random_string(max_len));
    return out;
  }

  std::mt19937& rng() { return rng_; }

 private:
  char pick() { return alphabet_[rng_() % alphabet_.size()]; }
  std::mt19937 rng_;
  std::string alphabet_;
};

bool matches(const std::regex& re, const std::string& s) { return std::regex_search(s, re); }

// Independent reference implementations for what a pattern cannot say.
bool luhn(const std::string& digits) {
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

bool real_calendar_date(const std::string& s) {
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

template <typename Check>
void expect_equivalent(const std::vector<std::string>& inputs, const std::regex& re, Check check, const char* what) {
  std::size_t accepted = 0, rejected = 0;
  std::vector<std::string> disagreements;
  for (const auto& s : inputs) {
    const bool hand = check(s);
    const bool pattern = matches(re, s);
    (hand ? accepted : rejected)++;
    if (hand != pattern && disagreements.size() < 10) {
      disagreements.push_back("'" + s + "': hand-written " + (hand ? "accepts" : "rejects") + ", pattern " +
                              (pattern ? "accepts" : "rejects"));
    }
  }
  INFO(what << ": " << inputs.size() << " strings, " << accepted << " accepted");
  std::string report;
  for (const auto& d : disagreements) report += d + "\n";
  INFO(report);
  CHECK(disagreements.empty());
  // The corpus must exercise both answers, or it proves nothing.
  CHECK(accepted > 50);
  CHECK(rejected > 50);
}

}  // namespace

// ---------------------------------------------------------------------------
// Email (URI::MailTo::EMAIL_REGEXP)

TEST_CASE("email: valid addresses", "[formats][email]") {
  for (const char* s : {"contact@demo.gouv.fr", "a@b", "prenom.nom+tag@sous-domaine.example.org",
                        "x!#$%&'*+/=?^_`{|}~-@a1.b2", "support@entreprise.api.gouv.fr", "A@B.CO"}) {
    INFO(s);
    CHECK(rt::is_valid_email(s));
  }
}

TEST_CASE("email: invalid addresses", "[formats][email]") {
  for (const char* s : {"", "@demo.fr", "contact", "contact@", "contact@@demo.fr", "a@b@c.fr", "contact@demo..fr",
                        "contact@.demo.fr", "contact@demo.fr.", "contact@-demo.fr", "contact@demo-.fr",
                        "con tact@demo.fr", "contact@demo.fr ", "contact@dé.fr", "é@demo.fr", "contact@demo_fr.fr",
                        "contact@demo,fr"}) {
    INFO(s);
    CHECK_FALSE(rt::is_valid_email(s));
  }
  // A label is at most 63 characters.
  CHECK(rt::is_valid_email("a@" + std::string(63, 'x') + ".fr"));
  CHECK_FALSE(rt::is_valid_email("a@" + std::string(64, 'x') + ".fr"));
}

TEST_CASE("email: hand-written check == kEmailPattern", "[formats][email][equivalence]") {
  Generator gen(1, "abcXYZ09.-_+@!#'~` é@..--");
  const std::vector<std::string> seeds = {"contact@demo.gouv.fr", "a@b", "prenom.nom+tag@sous-domaine.example.org",
                                          "x-y@a-b.c-d.e", "a@" + std::string(62, 'x') + "z.fr"};
  auto inputs = gen.corpus(seeds, 1200, 2000, 24);
  expect_equivalent(inputs, std::regex(rt::kEmailPattern, std::regex::ECMAScript),
                    [](const std::string& s) { return rt::is_valid_email(s); }, "email");
}

// ---------------------------------------------------------------------------
// URL (DataPass's cadre juridique URL rule)

TEST_CASE("url: valid URLs", "[formats][url]") {
  for (const char* s : {"https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292", "http://a.fr",
                        "legifrance.gouv.fr", "www.exemple.com/chemin?x=1&y=2#ancre", "https://a.b.co/%20'()*+,;=:@!$~",
                        "sous-domaine.exemple.org/", "https://x.org/[a]"}) {
    INFO(s);
    CHECK(rt::is_valid_url(s));
  }
}

TEST_CASE("url: invalid URLs", "[formats][url]") {
  for (const char* s : {"", "legifrance", "https://", "https://demo", "ftp://demo.fr", "https://demo.f", "https://demo.f1",
                        "https://.fr", "demo.fr path", "https://demo.fr/é", "https://demo.fr?x=1", "https://demo.fr:8080",
                        "javascript:alert(1)", "//demo.fr", "https://demo.fr/<script>", "http:/demo.fr"}) {
    INFO(s);
    CHECK_FALSE(rt::is_valid_url(s));
  }
}

TEST_CASE("url: hand-written check == kUrlPattern", "[formats][url][equivalence]") {
  Generator gen(2, "abcXY09.-/:?#[]@!$&'()*+,;%=_~ hé\"<>");
  const std::vector<std::string> seeds = {"https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292", "http://a.fr",
                                          "legifrance.gouv.fr", "www.exemple.com/chemin?x=1&y=2#ancre",
                                          "a.b.co", "https://x.y-z.org/"};
  auto inputs = gen.corpus(seeds, 1000, 2000, 30);
  expect_equivalent(inputs, std::regex(rt::kUrlPattern, std::regex::ECMAScript),
                    [](const std::string& s) { return rt::is_valid_url(s); }, "url");
}

// ---------------------------------------------------------------------------
// Date

TEST_CASE("date: real calendar dates only", "[formats][date]") {
  for (const char* s : {"2025-05-20", "2024-02-29", "2000-02-29", "1999-12-31", "0001-01-01"}) {
    INFO(s);
    CHECK(rt::is_valid_date(s));
  }
  for (const char* s : {"", "2025-5-20", "20-05-2025", "2025/05/20", "2023-02-29", "1900-02-29", "2025-04-31",
                        "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "2025-05-20T00:00", " 2025-05-20",
                        "2025-05-2a", "today"}) {
    INFO(s);
    CHECK_FALSE(rt::is_valid_date(s));
  }
}

TEST_CASE("date: kDatePattern differs from the check only on impossible days", "[formats][date][equivalence]") {
  Generator gen(3, "0123456789-/ a");
  std::vector<std::string> seeds = {"2025-05-20", "2024-02-29", "2023-02-28", "1999-12-31", "2025-04-30"};
  auto inputs = gen.corpus(seeds, 1200, 1500, 12);
  // Every month/day combination of a leap and a common year.
  for (int y : {2023, 2024, 1900, 2000}) {
    for (int m = 0; m <= 13; ++m) {
      for (int d = 0; d <= 32; ++d) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        inputs.emplace_back(buf);
      }
    }
  }
  const std::regex re(rt::kDatePattern, std::regex::ECMAScript);
  std::size_t accepted = 0, calendar_only = 0;
  for (const auto& s : inputs) {
    const bool hand = rt::is_valid_date(s);
    const bool pattern = matches(re, s);
    INFO(s);
    if (hand) {
      ++accepted;
      CHECK(pattern);  // the pattern never rejects a valid date
    } else if (pattern) {
      ++calendar_only;
      CHECK_FALSE(real_calendar_date(s));  // the only difference: Feb 30, Apr 31, Feb 29 of common years
    }
  }
  CHECK(accepted > 100);
  CHECK(calendar_only > 10);
}

// ---------------------------------------------------------------------------
// SIRET

TEST_CASE("siret: 14 digits passing the Luhn check", "[formats][siret]") {
  for (const char* s : {"95384126900020", "94271853700015", "13002526500013", "00000000000000"}) {
    INFO(s);
    CHECK(rt::is_valid_siret(s));
  }
  for (const char* s : {"", "95384126900021", "9538412690002", "953841269000200", "95384126900O20", "953 841 269 00020",
                        "12345678901234"}) {
    INFO(s);
    CHECK_FALSE(rt::is_valid_siret(s));
  }
}

TEST_CASE("siret: kSiretPattern differs from the check only by the Luhn sum", "[formats][siret][equivalence]") {
  Generator gen(4, "0123456789 a");
  auto inputs = gen.corpus({"95384126900020", "94271853700015", "13002526500013"}, 1500, 1500, 16);
  std::mt19937 rng(44);
  for (int i = 0; i < 2000; ++i) {  // random 14-digit strings: about a tenth pass Luhn
    std::string s;
    for (int k = 0; k < 14; ++k) s += static_cast<char>('0' + rng() % 10);
    inputs.push_back(s);
  }
  const std::regex re(rt::kSiretPattern, std::regex::ECMAScript);
  std::size_t accepted = 0, luhn_only = 0;
  for (const auto& s : inputs) {
    const bool hand = rt::is_valid_siret(s);
    const bool pattern = matches(re, s);
    INFO(s);
    CHECK(hand == (pattern && luhn(s)));
    if (hand) ++accepted;
    if (pattern && !hand) ++luhn_only;
  }
  CHECK(accepted > 100);
  CHECK(luhn_only > 100);
}

// ---------------------------------------------------------------------------
// Phone

TEST_CASE("phone: French numbers", "[formats][phone]") {
  for (const char* s : {"0184162457", "01 84 16 24 57", "01.84.16.24.57", "01-84-16-24-57", "0612345678",
                        "+33184162457", "+33 1 84 16 24 57", "+33 (0)1 84 16 24 57", "+33(0)612345678",
                        "+590 590 12 34 56", "+262262123456", "+596 696 12 34 56", "+687 12 34 56", "+689123456"}) {
    INFO(s);
    CHECK(rt::is_valid_french_phone(s, false));
  }
  for (const char* s : {"", "0084162457", "184162457", "018416245", "01841624578", "+3301 84 16 24 57",
                        "+33 0184162457", "+44 20 7946 0958", "+590 12 34 56", "+687 123 456 78", "01 84 16 24 57 ",
                        " 0184162457", "0 184162457", "01_84_16_24_57", "(01) 84 16 24 57", "+33 (0) (0)1 84 16 24 57", "0184l62457"}) {
    INFO(s);
    CHECK_FALSE(rt::is_valid_french_phone(s, false));
  }
}

TEST_CASE("phone: French mobile numbers", "[formats][phone]") {
  for (const char* s : {"0612345678", "07 12 34 56 78", "+33 6 12 34 56 78", "+33 (0)7 12 34 56 78", "+33712345678"}) {
    INFO(s);
    CHECK(rt::is_valid_french_phone(s, true));
  }
  for (const char* s : {"0184162457", "+33 1 84 16 24 57", "+590 690 12 34 56", "0812345678", "06 12 34 56 7"}) {
    INFO(s);
    CHECK_FALSE(rt::is_valid_french_phone(s, true));
  }
}

TEST_CASE("phone: hand-written checks == kPhonePattern / kMobilePhonePattern", "[formats][phone][equivalence]") {
  Generator gen(5, "0123456789 .-+()3a");
  const std::vector<std::string> seeds = {"0184162457", "01 84 16 24 57", "06.12.34.56.78", "+33 1 84 16 24 57",
                                          "+33 (0)6 12 34 56 78", "+590 590 12 34 56", "+262262123456", "+687 12 34 56",
                                          "07-12-34-56-78", "+33612345678"};
  auto inputs = gen.corpus(seeds, 400, 2000, 18);
  // Separators are free: long runs of them are part of the language.
  inputs.push_back("01" + std::string(40, ' ') + "84162457");
  inputs.push_back("06 - 12 - 34 - 56 - 78 . . . . . . . . . .");
  inputs.push_back("0 6 . 1 2 . 3 4 . 5 6 . 7 8 . . . . . . . . . 9");
  inputs.push_back("+33 " + std::string(30, '.') + "6 12 34 56 78");
  expect_equivalent(inputs, std::regex(rt::kPhonePattern, std::regex::ECMAScript),
                    [](const std::string& s) { return rt::is_valid_french_phone(s, false); }, "phone");
  expect_equivalent(inputs, std::regex(rt::kMobilePhonePattern, std::regex::ECMAScript),
                    [](const std::string& s) { return rt::is_valid_french_phone(s, true); }, "mobile phone");
}
