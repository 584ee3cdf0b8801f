// CLI tests: formc as a user runs it. Exit codes (0 ok, 1 errors, 2 usage),
// the exact rendering of a diagnostic (caret line) and of --format json,
// --werror, and robustness against junk input.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <map>
#include <sstream>
#include <thread>

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
  // DataPass skips keys it does not know: a warning, with the suggestion.
  t.write("root/authorization_definitions/x.yml", kTypoDefinition);
  const Run r = formc("check --no-stdlib root", t.dir);
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "root/authorization_definitions/x.yml:3:3: warning: 'provdier' is ignored: definition 'api_x' has no such key "
        "(DataPass skips it) [ignored-key]\n"
        "    provdier: \"dinum\"\n"
        "    ^~~~~~~~\n"
        "root/authorization_definitions/x.yml:3:3: note: did you mean 'provider'?\n"
        "1 warning generated.\n");
  CHECK(formc("check --no-stdlib --werror root", t.dir).status == 1);
}

TEST_CASE("formc check --format json prints every field of a diagnostic") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kTypoDefinition);
  const Run r = formc("check --no-stdlib --format json root", t.dir);
  CHECK(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  const auto& d = j["diagnostics"][0];
  CHECK(d["severity"] == "warning");
  CHECK(d["code"] == "ignored-key");
  CHECK(d["file"] == "root/authorization_definitions/x.yml");
  CHECK(d["line"] == 3);
  CHECK(d["column"] == 3);
  CHECK(d["end_line"] == 3);
  CHECK(d["end_column"] == 11);
  CHECK(d["message"] == "'provdier' is ignored: definition 'api_x' has no such key (DataPass skips it)");
  REQUIRE(d["notes"].size() == 1);
  CHECK(d["notes"][0]["message"] == "did you mean 'provider'?");
  CHECK(j["errors"] == 0);
  CHECK(j["warnings"] == 1);
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

namespace {

std::map<std::string, fs::file_time_type> mtimes(const fs::path& dir) {
  std::map<std::string, fs::file_time_type> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = e.last_write_time();
  }
  return out;
}

// Every output's content (not .formc-state: formc's record of the run, with
// absolute paths and times, is no output).
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename() == ".formc-state") continue;
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return out;
}

const char* kCompileDefinition =
    "api_x:\n  name: \"API X\"\n  provider: dinum\n  cgu_link: \"https://api.gouv.fr/cgu.pdf\"\n"
    "  blocks:\n    - name: basic_infos\n    - name: contacts\n";
const char* kCompileForm = "api-x:\n  authorization_request: APIX\n";

}  // namespace

TEST_CASE("formc compile writes every artefact, a manifest and a depfile naming every input") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kCompileDefinition);
  t.write("root/authorization_request_forms/x.yml", kCompileForm);
  const Run r = formc("compile root -o out --depfile out.d", t.dir);
  REQUIRE(r.status == 0);
  CHECK(fs::exists(t.dir / "out/schemas/api-x.schema.json"));
  CHECK(fs::exists(t.dir / "out/cpp/dinum/api_x.h"));
  CHECK(fs::exists(t.dir / "out/cpp/dinum/api_x.cc"));
  CHECK(fs::exists(t.dir / "out/html/forms/api-x/basic_infos.html"));
  const auto manifest = nlohmann::json::parse(slurp(t.dir / "out/manifest.json"));
  REQUIRE(manifest["forms"].size() == 1);
  CHECK(manifest["forms"][0]["uid"] == "api-x");
  CHECK(manifest["forms"][0]["schema"] == "schemas/api-x.schema.json");
  CHECK(manifest["forms"][0]["cpp"]["header"] == "cpp/dinum/api_x.h");
  const std::string dep = slurp(t.dir / "out.d");
  CHECK(dep.rfind("out/manifest.json:", 0) == 0);
  CHECK(dep.find(fs::weakly_canonical(t.dir / "root/authorization_definitions/x.yml").string()) != std::string::npos);
  CHECK(dep.find(fs::weakly_canonical(t.dir / "root/authorization_request_forms/x.yml").string()) != std::string::npos);
  CHECK(dep.find("blocks/contacts.yml") != std::string::npos);  // the block library is an input too
}

TEST_CASE("formc compile: a no-op compile touches no file, and errors write nothing") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kCompileDefinition);
  t.write("root/authorization_request_forms/x.yml", kCompileForm);
  REQUIRE(formc("compile root -o out", t.dir).status == 0);
  const auto before = mtimes(t.dir / "out");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const Run again = formc("compile root -o out", t.dir);
  CHECK(again.status == 0);
  CHECK(again.err.find("0 written") != std::string::npos);
  CHECK(mtimes(t.dir / "out") == before);
  // A broken definition: exit 1 and the previous outputs stay exactly as they were.
  t.write("root/authorization_definitions/x.yml", std::string(kCompileDefinition) + "  kind: 'apii'\n");
  const Run broken = formc("compile root -o out", t.dir);
  CHECK(broken.status == 1);
  CHECK(broken.err.find("no output written") != std::string::npos);
  CHECK(mtimes(t.dir / "out") == before);
  CHECK_FALSE(fs::exists(t.dir / "fresh"));
  CHECK(formc("compile root -o fresh", t.dir).status == 1);
  CHECK_FALSE(fs::exists(t.dir / "fresh"));
}

TEST_CASE("formc compile recognises unchanged inputs before reading them, and nothing else") {
  TempRoot t;
  // A warning, so that the replayed diagnostics can be seen.
  t.write("root/authorization_definitions/x.yml", std::string(kCompileDefinition) + "  features:\n    teleportation: true\n");
  t.write("root/authorization_request_forms/x.yml", kCompileForm);
  const Run first = formc("compile root -o out --depfile out.d", t.dir);
  REQUIRE(first.status == 0);
  REQUIRE(fs::exists(t.dir / "out/.formc-state"));
  const auto contents_before = contents(t.dir / "out");
  const auto before = mtimes(t.dir / "out");
  const std::string depfile = slurp(t.dir / "out.d");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Unchanged: the same diagnostics and depfile, no file touched.
  const Run noop = formc("compile root -o out --depfile out.d", t.dir);
  CHECK(noop.status == 0);
  const auto diagnostics = [](const std::string& err) { return err.substr(0, err.find("formc: ")); };
  CHECK(diagnostics(noop.err) == diagnostics(first.err));
  CHECK(noop.err.find("unknown feature 'teleportation'") != std::string::npos);
  CHECK(noop.err.find("0 written") != std::string::npos);
  CHECK(mtimes(t.dir / "out") == before);
  CHECK(slurp(t.dir / "out.d") == depfile);
  // The key covers the options: another environment or --werror is a real run.
  CHECK(formc("compile root -o out --werror", t.dir).status == 1);
  CHECK(mtimes(t.dir / "out") == before);
  // An output deleted or edited by hand is restored by the next run.
  const fs::path schema = t.dir / "out/schemas/api-x.schema.json";
  fs::remove(schema);
  CHECK(formc("compile root -o out", t.dir).status == 0);
  CHECK(slurp(schema) == contents_before.at("schemas/api-x.schema.json"));
  std::ofstream(schema, std::ios::binary) << "{}";
  CHECK(formc("compile root -o out", t.dir).status == 0);
  CHECK(slurp(schema) == contents_before.at("schemas/api-x.schema.json"));
  // An edited input (same size, new modification time) is compiled again.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  t.write("root/authorization_definitions/x.yml", std::string(kCompileDefinition) + "  features:\n    teleportatioN: true\n");
  const Run edited = formc("compile root -o out", t.dir);
  CHECK(edited.status == 0);
  CHECK(edited.err.find("unknown feature 'teleportatioN'") != std::string::npos);
  // A new input file is seen too.
  t.write("root/authorization_request_forms/y.yml", "api-y:\n  authorization_request: api_x\n");
  CHECK(formc("compile root -o out", t.dir).status == 0);
  CHECK(fs::exists(t.dir / "out/schemas/api-y.schema.json"));
  // A state that is not formc's is ignored (a full run), never trusted.
  std::ofstream(t.dir / "out/.formc-state", std::ios::binary) << "formc-state 1\n999\nx\n";
  fs::remove(t.dir / "out/schemas/api-y.schema.json");
  CHECK(formc("compile root -o out", t.dir).status == 0);
  CHECK(fs::exists(t.dir / "out/schemas/api-y.schema.json"));
}

TEST_CASE("formc compile removes outputs that are no longer produced") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kCompileDefinition);
  t.write("root/authorization_request_forms/x.yml", std::string(kCompileForm) + "api-y:\n  authorization_request: api_x\n");
  REQUIRE(formc("compile root -o out", t.dir).status == 0);
  REQUIRE(fs::exists(t.dir / "out/schemas/api-y.schema.json"));
  t.write("root/authorization_request_forms/x.yml", kCompileForm);
  const Run r = formc("compile root -o out", t.dir);
  CHECK(r.status == 0);
  CHECK_FALSE(fs::exists(t.dir / "out/schemas/api-y.schema.json"));
  CHECK_FALSE(fs::exists(t.dir / "out/html/forms/api-y"));
  CHECK(fs::exists(t.dir / "out/schemas/api-x.schema.json"));
}

TEST_CASE("formc compile output is byte-identical from two working directories") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kCompileDefinition);
  t.write("root/authorization_request_forms/x.yml", kCompileForm);
  fs::create_directories(t.dir / "elsewhere/deeper");
  REQUIRE(formc("compile root -o out1", t.dir).status == 0);
  REQUIRE(formc("compile ../../root -o ../../out2", t.dir / "elsewhere/deeper").status == 0);
  REQUIRE(formc("compile " + (t.dir / "root").string() + " -o out3", t.dir / "elsewhere").status == 0);
  const auto a = contents(t.dir / "out1"), b = contents(t.dir / "out2"), c = contents(t.dir / "elsewhere/out3");
  CHECK(a.size() > 5);
  CHECK(a == b);
  CHECK(a == c);
}

TEST_CASE("formc validate: exit 0 valid, 1 invalid, 2 usage") {
  TempRoot t;
  t.write("root/authorization_definitions/x.yml", kCompileDefinition);
  t.write("root/authorization_request_forms/x.yml", kCompileForm);
  t.write("bad.json", "{\"intitule\": 12}");
  t.write("draft.json", "{\"intitule\": \"Projet\"}");
  t.write("broken.json", "{\"intitule\": ");
  const Run invalid = formc("validate --form api-x --data bad.json --context draft --format json root", t.dir);
  CHECK(invalid.status == 1);
  const auto j = nlohmann::json::parse(invalid.out);
  CHECK(j["valid"] == false);
  CHECK(j["errors"][0]["field"] == "intitule");
  CHECK(j["errors"][0]["code"] == "type");
  CHECK(formc("validate --form api-x --data draft.json --context draft root", t.dir).status == 0);
  CHECK(formc("validate --form api-x --data draft.json --context submit root", t.dir).status == 1);
  CHECK(formc("validate --form nope --data draft.json root", t.dir).status == 2);
  CHECK(formc("validate --form api-x --data draft.json --context later root", t.dir).status == 2);
  CHECK(formc("validate --form api-x --data broken.json root", t.dir).status == 2);
  CHECK(formc("validate --form api-x --data draft.json --context step:nope root", t.dir).status == 2);
}

TEST_CASE("a copied definitions root uses its own library, not the default one beside it") {
  TempRoot t;
  fs::create_directories(t.dir / "copy");
  fs::copy(FORMC_SOURCE_DEFINITIONS, t.dir / "copy" / "definitions", fs::copy_options::recursive);
  // The library inside the root replaces the default one: no block twice.
  const Run r = formc("check copy/definitions", t.dir);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.find("duplicate-id") == std::string::npos);
  CHECK(r.err.find("error") == std::string::npos);
  // An edit of the copy's library is what formc reads.
  const fs::path block = t.dir / "copy/definitions/library/blocks/basic_infos.yml";
  std::string text = slurp(block);
  const std::string from = "basic_infos:";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), "basic_infos:\n  colour: blue");
  std::ofstream(block, std::ios::binary) << text;
  const Run edited = formc("check copy/definitions", t.dir);
  CHECK(edited.status == 1);
  CHECK(edited.err.find("copy/definitions/library/blocks/basic_infos.yml") != std::string::npos);
  CHECK(edited.err.find("unknown key 'colour'") != std::string::npos);
  // --library still wins, and the help says how a root's library is found.
  const Run help = formc("check --help", t.dir);
  CHECK(help.out.find("library/") != std::string::npos);
}
