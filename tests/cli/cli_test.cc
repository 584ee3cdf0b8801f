// CLI tests: formc as a user runs it. Exit codes (0 ok, 1 errors, 2 usage),
// the exact rendering of a diagnostic (caret line) and of --format json,
// --werror, and robustness against junk input.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `formc ARGS` in `cwd`, capturing stdout and stderr separately.
Run formc(const std::string& args, const fs::path& cwd) {
  const fs::path out = cwd / ".stdout", err = cwd / ".stderr";
  const std::string cmd = "cd '" + cwd.string() + "' && '" FORMC_BINARY "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(cmd.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

struct TempRoot {
  fs::path dir;
  TempRoot() {
    dir = fs::temp_directory_path() / ("formc-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempRoot() { fs::remove_all(dir); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel, std::ios::binary) << text;
  }
  static inline int counter = 0;
};

const char* kTypoDefinition =
    "api_x:\n"
    "  name: \"API X\"\n"
    "  provdier: \"dinum\"\n";

}  // namespace

TEST_CASE("formc check renders a located diagnostic with a caret and a suggestion") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kTypoDefinition);
  const Run r = formc("check --no-stdlib root", t.dir);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "root/authorization_definitions/x.yml:3:3: error: unknown key 'provdier' in definition 'api_x' [unknown-key]\n"
        "    provdier: \"dinum\"\n"
        "    ^~~~~~~~\n"
        "root/authorization_definitions/x.yml:3:3: note: did you mean 'provider'?\n"
        "1 error generated.\n");
}

TEST_CASE("formc check --format json prints every field of a diagnostic") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kTypoDefinition);
  const Run r = formc("check --no-stdlib --format json root", t.dir);
  CHECK(r.status == 1);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  const auto& d = j["diagnostics"][0];
  CHECK(d["severity"] == "error");
  CHECK(d["code"] == "unknown-key");
  CHECK(d["file"] == "root/authorization_definitions/x.yml");
  CHECK(d["line"] == 3);
  CHECK(d["column"] == 3);
  CHECK(d["end_line"] == 3);
  CHECK(d["end_column"] == 11);
  CHECK(d["message"] == "unknown key 'provdier' in definition 'api_x'");
  REQUIRE(d["notes"].size() == 1);
  CHECK(d["notes"][0]["message"] == "did you mean 'provider'?");
  CHECK(j["errors"] == 1);
  CHECK(j["warnings"] == 0);
}

TEST_CASE("columns count code points, so carets line up under accented text") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", "api_x:\n  name: \"Données é\"\n  kind: 'apî'\n");
  const Run r = formc("check --no-stdlib root", t.dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("x.yml:3:9: error: 'kind' must be 'api' or 'service', not 'apî' [invalid-value]\n"
                   "    kind: 'apî'\n"
                   "          ^~~~~\n") != std::string::npos);
}

TEST_CASE("exit codes: 0 clean, 1 errors, 2 usage; --werror turns warnings into errors") {
  TempRoot t;
  t.write("ok/authorization_definitions/x.yml", "api_x:\n  name: \"API X\"\n  provider: dinum\n");
  t.write("warn/authorization_definitions/x.yml", "api_x:\n  name: \"API X\"\n  features:\n    teleportation: true\n");
  CHECK(formc("check --no-stdlib ok", t.dir).status == 0);
  const Run warn = formc("check --no-stdlib warn", t.dir);
  CHECK(warn.status == 0);
  CHECK(warn.err.find("warning: unknown feature 'teleportation'") != std::string::npos);
  CHECK(warn.err.find("1 warning generated.") != std::string::npos);
  const Run werror = formc("check --no-stdlib --werror warn", t.dir);
  CHECK(werror.status == 1);
  CHECK(werror.err.find("error: unknown feature 'teleportation'") != std::string::npos);
  CHECK(formc("check", t.dir).status == 2);                       // missing PATH
  CHECK(formc("check --no-such-option ok", t.dir).status == 2);   // unknown option
  CHECK(formc("check does-not-exist", t.dir).status == 2);        // nonexistent path
  CHECK(formc("check --format xml ok", t.dir).status == 2);       // bad option value
  CHECK(formc("frobnicate", t.dir).status == 2);                  // unknown subcommand
  const Run help = formc("--help", t.dir);
  CHECK(help.status == 0);
  CHECK(help.out.find("check") != std::string::npos);
  const Run version = formc("--version", t.dir);
  CHECK(version.status == 0);
  CHECK(version.out.rfind("formc ", 0) == 0);
}

TEST_CASE("junk input gives a located error, never a crash") {
  TempRoot t;
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919) % 256);
  t.write("root/authorization_definitions/junk.yml", junk);
  t.write("root/authorization_request_forms/deep.yml", std::string(20000, '[') + std::string(20000, ']'));
  t.write("root/authorization_request_forms/cycle.yml", "a: &a [*a]\n");
  const Run r = formc("check --no-stdlib root", t.dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("junk.yml:") != std::string::npos);
  CHECK(r.err.find("[input-not-utf8]") != std::string::npos);
  CHECK(r.err.find("[yaml-too-deep]") != std::string::npos);
  CHECK(r.err.find("cycle.yml:1:8: error:") != std::string::npos);
}

TEST_CASE("dump-ir is deterministic and independent of the working directory") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", "api_x:\n  name: \"API X\"\n  provider: dinum\n  blocks:\n    - name: basic_infos\n");
  t.write("root/authorization_request_forms/x.yml", "api-x:\n  authorization_request: APIX\n");
  fs::create_directories(t.dir / "sub");
  const Run a = formc("dump-ir root", t.dir);
  const Run b = formc("dump-ir root", t.dir);
  const Run c = formc("dump-ir ../root", t.dir / "sub");
  REQUIRE(a.status == 0);
  CHECK(a.out == b.out);
  auto ja = nlohmann::json::parse(a.out), jc = nlohmann::json::parse(c.out);
  ja["definitions"][0].erase("source");
  jc["definitions"][0].erase("source");
  ja["forms"][0].erase("source");
  jc["forms"][0].erase("source");
  CHECK(ja == jc);
  CHECK(ja["forms"][0]["definition"] == "api_x");
  CHECK(ja["definitions"][0]["blocks"][0]["fields"][0]["name"] == "intitule");
}
