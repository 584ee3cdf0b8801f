// Test helper run at build time: generates the C++ of every definition under
// PATH... into OUTDIR (cpp/<provider>/<id>.h|.cc, as `formc compile` lays
// them out) and writes, for the test executables:
//   OUTDIR/unity.cc     includes every generated .cc (one translation unit:
//                       the generated code must also survive unity builds),
//                       then defines the registry below;
//   OUTDIR/files.txt    the generated .cc files, one per line (for the
//                       standalone and clang compile tests).
// The registry (registry.h) lists every generated class with type-erased
// entry points, so tests can drive all of them without naming them.
// Generated files are rewritten only when their content changes; unity.cc
// and files.txt always (they are what the build step declares).
//
//   generate_cpp OUTDIR LIBRARY PATH...     exit 0, 1 (errors while loading), 2 (usage)
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "driver/session.h"
#include "gen/cpp/cpp_generator.h"
#include "gen/cpp/namer.h"
#include "gen/output_set.h"
#include "gen/paths.h"

namespace fs = std::filesystem;

namespace {

bool write_if_changed(const fs::path& target, const std::string& content) {
  {
    std::ifstream in(target, std::ios::binary);
    if (in) {
      std::ostringstream old;
      old << in.rdbuf();
      if (old.str() == content) return true;
    }
  }
  fs::create_directories(target.parent_path());
  std::ofstream out(target, std::ios::binary);
  out << content;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: generate_cpp OUTDIR LIBRARY PATH...\n";
    return 2;
  }
  const fs::path out_dir = argv[1];
  formc::driver::CommonOptions options;
  options.library = argv[2];
  for (int i = 3; i < argc; ++i) options.paths.emplace_back(argv[i]);
  formc::driver::Session session(options);
  if (!session.load()) {
    session.print_diagnostics();
    return 1;
  }
  const auto& module = session.module();
  const auto collisions = formc::gen::cpp::find_cpp_collisions(module);
  for (const auto& c : collisions) std::cerr << "identifier collision: " << c.message() << "\n";
  if (!collisions.empty()) return 1;

  formc::gen::OutputSet out;
  formc::gen::cpp::CppGenerator().generate(module, out);
  bool ok = true;
  std::string files, unity = "// Every generated .cc of this corpus in one translation unit, and the test registry.\n";
  for (const auto& [path, content] : out.files()) {
    ok = write_if_changed(out_dir / path, content) && ok;
    // formc_all.cc includes every other source: this unit does the same itself.
    if (path.size() > 3 && path.compare(path.size() - 3, 3, ".cc") == 0 && path != formc::gen::paths::kCppUnity) {
      files += (out_dir / path).string() + "\n";
      unity += "#include \"" + path + "\"\n";
    }
  }
  unity += "\n#include \"registry.h\"\n\nnamespace formc_test {\nnamespace {\n";
  std::string entries;
  for (const auto& def : module.definitions) {
    const std::string cls = "formc_generated::" + formc::gen::cpp::Namer::provider_namespace(def.provider) +
                            "::" + formc::gen::cpp::Namer::class_name(def);
    entries += "    entry<" + cls + ">(\"" + def.id + "\"),\n";
  }
  if (entries.empty()) {
    unity += "}  // namespace\n\nstd::span<const GeneratedClass> generated_classes() { return {}; }\n\n}  // namespace formc_test\n";
  } else {
    unity += "const GeneratedClass kClasses[] = {\n" + entries + "};\n}  // namespace\n\n";
    unity += "std::span<const GeneratedClass> generated_classes() { return kClasses; }\n\n}  // namespace formc_test\n";
  }
  // Always rewritten: they are the build's outputs for this step, and the
  // unity source must look newer than any generated file that changed.
  for (const auto& [name, content] : {std::pair{"unity.cc", &unity}, std::pair{"files.txt", &files}}) {
    std::ofstream f(out_dir / name, std::ios::binary);
    f << *content;
    ok = static_cast<bool>(f) && ok;
  }
  if (!ok) {
    std::cerr << "cannot write to " << out_dir << "\n";
    return 1;
  }
  return 0;
}
