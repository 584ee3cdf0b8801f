// libFuzzer target: the whole front end. The input is split at the first NUL
// byte into a definitions file and a forms file of one configuration root,
// loaded with the standard block library, built into the IR and checked.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "driver/session.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path root = fs::temp_directory_path() / ("formc-pipeline-fuzz-" + std::to_string(::getpid()));
  static const bool ready = [] {
    fs::create_directories(root / "authorization_definitions");
    fs::create_directories(root / "authorization_request_forms");
    return true;
  }();
  (void)ready;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  std::ofstream(root / "authorization_definitions" / "d.yml", std::ios::binary | std::ios::trunc) << input.substr(0, split);
  std::ofstream(root / "authorization_request_forms" / "f.yml", std::ios::binary | std::ios::trunc)
      << (split == std::string::npos ? std::string() : input.substr(split + 1));
  formc::driver::CommonOptions options;
  options.paths = {root.string()};
  options.library = FORMC_STANDARD_LIBRARY;
  formc::driver::Session session(options);
  (void)session.load();
  return 0;
}
