#include "yaml/erb.h"

#include <algorithm>
#include <regex>

#include "support/text.h"

namespace formc::yaml {
namespace {

using support::DiagCode;
using support::Span;

// The three recognised tag bodies. Anchored, whitespace-tolerant, and only
// applied to the short text between <% and %>, so std::regex cost is bounded.
const std::regex& credentials_pattern() {
  static const std::regex re(R"(^=\s*Rails\.application\.credentials\.([A-Za-z_][A-Za-z0-9_]*)\s*\|\|\s*'([^'\\]*)'\s*$)");
  return re;
}
const std::regex& environment_pattern() {
  static const std::regex re(R"(^=\s*Rails\.env\.production\?\s*\?\s*'([^'\\]*)'\s*:\s*'([^'\\]*)'\s*$)");
  return re;
}
const std::regex& feature_if_pattern() {
  static const std::regex re(R"(^\s*if\s+FeatureFlag\.enabled\?\(:([A-Za-z_][A-Za-z0-9_]*)\)\s*$)");
  return re;
}
const std::regex& end_pattern() {
  static const std::regex re(R"(^\s*end\s*$)");
  return re;
}

struct OpenIf {
  Span span;
  bool enabled;
};

}  // namespace

void OffsetMap::add(Run run) {
  if (run.out_begin == run.out_end && run.verbatim) return;
  runs_.push_back(run);
}

std::uint32_t OffsetMap::to_original(std::uint32_t out) const {
  if (runs_.empty()) return out;
  // Runs are appended in increasing out order.
  auto it = std::upper_bound(runs_.begin(), runs_.end(), out,
                             [](std::uint32_t value, const Run& r) { return value < r.out_begin; });
  if (it == runs_.begin()) return out;
  const Run& r = *std::prev(it);
  if (out >= r.out_end) {
    // Past the last run (or in a gap): shift by the last run's delta.
    return r.in_end + (out - r.out_end);
  }
  if (r.verbatim) return r.in_begin + (out - r.out_begin);
  return r.in_begin;
}

support::Span OffsetMap::to_original(support::FileId file, std::uint32_t out_begin, std::uint32_t out_end) const {
  const std::uint32_t b = to_original(out_begin);
  std::uint32_t e = out_end > out_begin ? to_original(out_end - 1) + 1 : b;
  // A substituted run maps to its whole tag.
  for (const auto& r : runs_) {
    if (!r.verbatim && out_begin < r.out_end && out_end > r.out_begin) e = std::max(e, r.in_end);
  }
  return Span{file, b, std::max(b, e)};
}

ErbResult expand_erb(const support::SourceFile& file, support::FileId id, const ErbOptions& options,
                     support::DiagnosticEngine& diags) {
  ErbResult result;
  const std::string& in = file.text();
  std::vector<OpenIf> open_ifs;
  // Output is suppressed while any enclosing if-block is disabled.
  auto suppressed = [&] {
    return std::any_of(open_ifs.begin(), open_ifs.end(), [](const OpenIf& o) { return !o.enabled; });
  };
  std::size_t pos = 0;
  while (pos < in.size()) {
    const std::size_t open = in.find("<%", pos);
    const std::size_t text_end = open == std::string::npos ? in.size() : open;
    if (!suppressed() && text_end > pos) {
      const auto out_begin = static_cast<std::uint32_t>(result.text.size());
      result.text.append(in, pos, text_end - pos);
      result.map.add({out_begin, static_cast<std::uint32_t>(result.text.size()), static_cast<std::uint32_t>(pos),
                      static_cast<std::uint32_t>(text_end), true});
    }
    if (open == std::string::npos) break;
    const std::size_t close = in.find("%>", open + 2);
    if (close == std::string::npos) {
      diags.report(DiagCode::ErbUnterminated, Span{id, static_cast<std::uint32_t>(open), static_cast<std::uint32_t>(open + 2)},
                   "ERB tag '<%' is never closed by '%>'");
      // Keep the rest of the file (without the tag opener) so YAML can still
      // report its own, independent problems instead of a cascade.
      if (!suppressed()) {
        const auto out_begin = static_cast<std::uint32_t>(result.text.size());
        result.text.append(in, open + 2, std::string::npos);
        result.map.add({out_begin, static_cast<std::uint32_t>(result.text.size()), static_cast<std::uint32_t>(open + 2),
                        static_cast<std::uint32_t>(in.size()), true});
      }
      break;
    }
    const Span tag{id, static_cast<std::uint32_t>(open), static_cast<std::uint32_t>(close + 2)};
    std::string body = in.substr(open + 2, close - open - 2);
    if (!body.empty() && body.back() == '-') body.pop_back();  // "-%>" trims nothing we care about
    std::smatch m;
    std::string substitution;
    bool substitutes = false;
    if (body.size() > 500) {
      diags.report(DiagCode::ErbUnsupported, tag, "ERB tag too long for the supported subset");
    } else if (std::regex_match(body, m, credentials_pattern())) {
      const auto found = options.credentials.find(m[1].str());
      substitution = found != options.credentials.end() ? found->second : m[2].str();
      substitutes = true;
    } else if (std::regex_match(body, m, environment_pattern())) {
      substitution = options.environment == "production" ? m[1].str() : m[2].str();
      substitutes = true;
    } else if (std::regex_match(body, m, feature_if_pattern())) {
      const std::string flag = m[1].str();
      open_ifs.push_back({tag, options.enabled_features.count(flag) > 0});
    } else if (std::regex_match(body, end_pattern())) {
      if (open_ifs.empty()) {
        diags.report(DiagCode::ErbUnsupported, tag, "'<% end %>' without a matching '<% if FeatureFlag.enabled?(...) %>'");
      } else {
        open_ifs.pop_back();
      }
    } else {
      diags.report(DiagCode::ErbUnsupported, tag,
                   "unsupported ERB: only credentials with a default, Rails.env.production? and "
                   "FeatureFlag.enabled? conditions are understood");
      diags.note(Span{}, "supported forms: <%= Rails.application.credentials.X || 'default' %>, "
                         "<%= Rails.env.production? ? 'a' : 'b' %>, <% if FeatureFlag.enabled?(:x) %>...<% end %>");
    }
    if (substitutes && !suppressed()) {
      const auto out_begin = static_cast<std::uint32_t>(result.text.size());
      result.text += substitution;
      result.map.add({out_begin, static_cast<std::uint32_t>(result.text.size()), tag.begin, tag.end, false});
    }
    pos = close + 2;
  }
  for (const auto& o : open_ifs) {
    diags.report(DiagCode::ErbUnterminated, o.span, "'<% if %>' block is never closed by '<% end %>'");
  }
  return result;
}

}  // namespace formc::yaml
