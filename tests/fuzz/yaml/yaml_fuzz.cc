// libFuzzer target: the YAML loader (ERB subset, yaml-cpp events, merges,
// aliases, spans) must never crash, hang or leak, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "support/diagnostics.h"
#include "support/source.h"
#include "yaml/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  formc::support::SourceManager sources;
  formc::support::DiagnosticEngine diags;
  const auto id = sources.add("fuzz.yml", std::string(reinterpret_cast<const char*>(data), size));
  formc::yaml::LoadOptions options;
  const auto doc = formc::yaml::load(sources, id, options, diags);
  // Exercise the span machinery on every scalar reachable from the root.
  if (doc->root && doc->root->is_mapping()) {
    for (const auto& e : doc->root->entries) {
      if (e.value->is_scalar()) (void)e.value->value_span(0, static_cast<std::uint32_t>(e.value->value.size()));
      (void)sources.locate(e.key->span);
    }
  }
  for (const auto& d : diags.all()) (void)sources.locate(d.span);
  return 0;
}
