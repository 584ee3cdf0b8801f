#include "support/diagnostics.h"

#include <algorithm>
#include <cassert>

namespace formc::support {

const std::vector<DiagCodeInfo>& catalog() {
  static const std::vector<DiagCodeInfo> kCatalog = {
#define FORMC_DIAG(id, code, sev, summary) {DiagCode::id, code, Severity::sev, summary},
#include "support/diagnostic_catalog.def"
#undef FORMC_DIAG
  };
  return kCatalog;
}

const DiagCodeInfo& info(DiagCode code) {
  const auto& all = catalog();
  const auto index = static_cast<std::size_t>(code);
  assert(index < all.size());
  return all[index];
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

Diagnostic& DiagnosticEngine::report(DiagCode code, Span span, std::string message) {
  Diagnostic d;
  d.code = code;
  d.severity = info(code).default_severity;
  d.span = span;
  d.message = std::move(message);
  diagnostics_.push_back(std::move(d));
  return diagnostics_.back();
}

void DiagnosticEngine::append(DiagnosticEngine&& other) {
  for (auto& d : other.diagnostics_) diagnostics_.push_back(std::move(d));
  other.diagnostics_.clear();
}

void DiagnosticEngine::note(Span span, std::string message) {
  assert(!diagnostics_.empty());
  diagnostics_.back().notes.push_back(DiagNote{span, std::move(message)});
}

std::size_t DiagnosticEngine::error_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::Error || (werror_ && d.severity == Severity::Warning);
  }));
}

std::size_t DiagnosticEngine::warning_count() const {
  if (werror_) return 0;
  return static_cast<std::size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                                [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
}

std::vector<Diagnostic> DiagnosticEngine::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.span.file != b.span.file) return a.span.file < b.span.file;
    return a.span.begin < b.span.begin;
  });
  if (werror_) {
    for (auto& d : out) {
      if (d.severity == Severity::Warning) d.severity = Severity::Error;
    }
  }
  return out;
}

}  // namespace formc::support
