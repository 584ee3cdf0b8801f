// The ERB subset found in DataPass configuration files, evaluated before YAML.
//
// Contract: expand() turns a file's text into the text YAML sees, following
// DataPass's own policy for its three ERB forms (schema/README.md §1):
//   <%= Rails.application.credentials.X || 'default' %>   credentials, else default
//   <%= Rails.env.production? ? 'a' : 'b' %>              by environment
//   <% if FeatureFlag.enabled?(:x) %> ... <% end %>       by feature flag
// Any other tag is reported (erb-unsupported) at its place and removed. The
// returned OffsetMap converts an offset in the expanded text back to the
// original file, so every later diagnostic points at the real source.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/diagnostics.h"
#include "support/source.h"

namespace formc::yaml {

struct ErbOptions {
  std::map<std::string, std::string> credentials;  // from --credentials FILE
  std::string environment = "development";         // Rails.env
  std::set<std::string> enabled_features;           // FeatureFlag table
};

// Maps offsets of expanded text to offsets of the original text.
class OffsetMap {
 public:
  // A run of expanded text [out_begin, out_end) that came from [in_begin, in_end).
  // Verbatim runs have equal lengths; substituted runs map to the whole tag.
  struct Run {
    std::uint32_t out_begin, out_end, in_begin, in_end;
    bool verbatim;
  };
  void add(Run run);
  [[nodiscard]] std::uint32_t to_original(std::uint32_t out_offset) const;
  [[nodiscard]] support::Span to_original(support::FileId file, std::uint32_t out_begin, std::uint32_t out_end) const;
  [[nodiscard]] bool identity() const { return runs_.size() <= 1 && (runs_.empty() || runs_[0].verbatim); }

 private:
  std::vector<Run> runs_;
};

struct ErbResult {
  std::string text;
  OffsetMap map;
};

[[nodiscard]] ErbResult expand_erb(const support::SourceFile& file, support::FileId id, const ErbOptions& options,
                                   support::DiagnosticEngine& diags);

}  // namespace formc::yaml
