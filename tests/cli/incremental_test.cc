// formc compile after an edit regenerates only the definitions the edit
// changed (compiler/driver/compile_units.h), and the output directory is then
// byte for byte what a full compile of the edited inputs writes into an empty
// one. Each case compiles, edits, compiles again into the same directory, and
// compares with a fresh compile; the summary line says how many definitions
// were regenerated. No timing is measured here (tests/bench/ does).

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;

namespace {

struct Run {
  int status = -1;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Run formc(const std::string& args, const fs::path& cwd) {
  const fs::path err = cwd / ".stderr";
  const std::string cmd = "cd '" + cwd.string() + "' && '" FORMC_BINARY "' " + args + " >/dev/null 2>'" + err.string() + "'";
  const int raw = std::system(cmd.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = slurp(err);
  fs::remove(err);
  return r;
}

int counter = 0;

struct TempRoot {
  fs::path dir;
  TempRoot() {
    dir = fs::temp_directory_path() / ("formc-incremental-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    // A root with its own block library (a copy of formc's), so that the
    // cases can edit a block as a user edits theirs.
    fs::create_directories(dir / "root");
    fs::copy(FORMC_SOURCE_DEFINITIONS "/library", dir / "root/library", fs::copy_options::recursive);
  }
  ~TempRoot() { fs::remove_all(dir); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    // The file's modification time must differ from the previous compile's
    // view of it even on a coarse clock: what make and ninja rely on too.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ofstream(dir / rel, std::ios::binary) << text;
  }
  void replace(const std::string& rel, const std::string& from, const std::string& to) const {
    std::string text = slurp(dir / rel);
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    write(rel, text);
  }
};

// Every file of an output directory but .formc-state (formc's record of the
// run, with absolute paths and times, is no output).
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename() == ".formc-state") continue;
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return out;
}

// Two definitions in two files, one form each; only api_y uses `volumetrie`,
// and only api_x has an eligibility rule.
void write_root(const TempRoot& t) {
  t.write("root/authorization_definitions/x.yml",
          "api_x:\n  name: \"API X\"\n  provider: dinum\n  cgu_link: \"https://api.gouv.fr/cgu.pdf\"\n"
          "  blocks:\n    - name: basic_infos\n    - name: contacts\n");
  t.write("root/authorization_definitions/y.yml",
          "api_y:\n  name: \"API Y\"\n  provider: dgfip\n"
          "  blocks:\n    - name: basic_infos\n    - name: volumetrie\n");
  t.write("root/authorization_request_forms/x.yml", "api-x:\n  authorization_request: APIX\n");
  t.write("root/authorization_request_forms/y.yml", "api-y:\n  authorization_request: APIY\n");
  t.write("root/db_data/eligibility_rules.yml",
          "- id: 1\n  definition_id: api_x\n  title: \"Qui peut demander ?\"\n  options:\n"
          "    - type: particulier\n      eligible: \"no\"\n      body: \"<p>Non.</p>\"\n"
          "    - type: collectivite_ou_administration\n      eligible: \"yes\"\n      body: \"<p>Oui.</p>\"\n");
}

// Compiles `root` into `inc` (where the previous compile wrote), then into a
// directory never used, and checks that both hold the same bytes. Returns the
// incremental compile's stderr (its summary line).
std::string compile_and_compare(const TempRoot& t, const std::string& fresh) {
  const Run inc = formc("compile root -o inc", t.dir);
  REQUIRE(inc.status == 0);
  REQUIRE(formc("compile root -o " + fresh, t.dir).status == 0);
  const auto a = contents(t.dir / "inc"), b = contents(t.dir / fresh);
  CHECK(a.size() > 10);
  CHECK(a == b);
  return inc.err;
}

}  // namespace

TEST_CASE("incremental compile: editing one definition regenerates it alone, and matches a full compile") {
  TempRoot t;
  write_root(t);
  const Run first = formc("compile root -o inc", t.dir);
  REQUIRE(first.status == 0);
  CHECK(first.err.find("(2 of 2 definitions regenerated)") != std::string::npos);

  t.replace("root/authorization_definitions/x.yml", "\"API X\"", "\"API X (bis)\"");
  const std::string err = compile_and_compare(t, "full1");
  CHECK(err.find("(1 of 2 definitions regenerated)") != std::string::npos);
  CHECK(slurp(t.dir / "inc/cpp/dinum/api_x.h").find("API X (bis)") != std::string::npos);

  // A form edit regenerates its definition's outputs.
  t.write("root/authorization_request_forms/y.yml", "api-y:\n  authorization_request: APIY\n  name: \"Formulaire Y\"\n");
  CHECK(compile_and_compare(t, "full2").find("(1 of 2 definitions regenerated)") != std::string::npos);

  // The eligibility rule belongs to api_x.
  t.replace("root/db_data/eligibility_rules.yml", "Qui peut demander ?", "Qui peut la demander ?");
  CHECK(compile_and_compare(t, "full3").find("(1 of 2 definitions regenerated)") != std::string::npos);
  CHECK(slurp(t.dir / "inc/html/definitions/api_x/eligibility.html").find("Qui peut la demander ?") != std::string::npos);

  // A change that does not reach the IR (a comment) regenerates nothing, but is no no-op either.
  t.write("root/authorization_definitions/y.yml", slurp(t.dir / "root/authorization_definitions/y.yml") + "# a comment\n");
  CHECK(compile_and_compare(t, "full4").find("(0 of 2 definitions regenerated)") != std::string::npos);
}

TEST_CASE("incremental compile: editing a library block regenerates the definitions that use it") {
  TempRoot t;
  write_root(t);
  REQUIRE(formc("compile root -o inc", t.dir).status == 0);
  t.replace("root/library/blocks/volumetrie.yml", "title: \"La volumétrie\"", "title: \"La volumétrie attendue\"");
  const std::string err = compile_and_compare(t, "full");
  CHECK(err.find("(1 of 2 definitions regenerated)") != std::string::npos);
  CHECK(slurp(t.dir / "inc/html/forms/api-y/volumetrie.html").find("La volumétrie attendue") != std::string::npos);
  // basic_infos is used by both.
  t.replace("root/library/blocks/basic_infos.yml", "fields:", "fields:\n    - name: reference_interne\n      type: text\n      label: \"Référence interne\"\n      required: false");
  CHECK(compile_and_compare(t, "full2").find("(2 of 2 definitions regenerated)") != std::string::npos);
}

TEST_CASE("incremental compile: added and removed definitions, and outputs edited by hand") {
  TempRoot t;
  write_root(t);
  REQUIRE(formc("compile root -o inc", t.dir).status == 0);
  // A new definition and form: generated alone; the manifest and the registry name it.
  t.write("root/authorization_definitions/z.yml", "api_z:\n  name: \"API Z\"\n  provider: dinum\n  blocks:\n    - name: basic_infos\n");
  t.write("root/authorization_request_forms/z.yml", "api-z:\n  authorization_request: APIZ\n");
  CHECK(compile_and_compare(t, "full1").find("(1 of 3 definitions regenerated)") != std::string::npos);
  CHECK(slurp(t.dir / "inc/cpp/formc_registry.cc").find("api_z.h") != std::string::npos);
  // Removed again: its outputs go, nothing else is regenerated.
  fs::remove(t.dir / "root/authorization_definitions/z.yml");
  fs::remove(t.dir / "root/authorization_request_forms/z.yml");
  CHECK(compile_and_compare(t, "full2").find("(0 of 2 definitions regenerated)") != std::string::npos);
  CHECK_FALSE(fs::exists(t.dir / "inc/cpp/dinum/api_z.h"));
  // An output edited by hand is its definition's to regenerate, even with no input changed but another.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(t.dir / "inc/schemas/api-y.schema.json", std::ios::binary) << "{}";
  t.replace("root/authorization_definitions/x.yml", "\"API X\"", "\"API X (ter)\"");
  CHECK(compile_and_compare(t, "full3").find("(2 of 2 definitions regenerated)") != std::string::npos);
  // Provider changed: the C++ files move, the old ones are removed.
  t.replace("root/authorization_definitions/y.yml", "provider: dgfip", "provider: dinum");
  CHECK(compile_and_compare(t, "full4").find("(1 of 2 definitions regenerated)") != std::string::npos);
  CHECK_FALSE(fs::exists(t.dir / "inc/cpp/dgfip/api_y.h"));
}
