// Diagnostics: collected, never thrown.
//
// Contract: every phase reports user errors into one DiagnosticEngine and then
// carries on, so one run shows every independent problem. Each diagnostic has
// a stable code from diagnostic_catalog.def, a severity, a primary span, a
// message (English, like the compiler's other output) and optional notes that
// point at related places ("first defined here"). Rendering lives in
// diagnostic_render.h; this header only collects.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "support/source.h"

namespace formc::support {

enum class Severity { Note, Warning, Error };

enum class DiagCode {
#define FORMC_DIAG(id, code, sev, summary) id,
#include "support/diagnostic_catalog.def"
#undef FORMC_DIAG
};

struct DiagCodeInfo {
  DiagCode id;
  std::string_view code;  // the stable, user-visible code
  Severity default_severity;
  std::string_view summary;
};

[[nodiscard]] const DiagCodeInfo& info(DiagCode code);
[[nodiscard]] const std::vector<DiagCodeInfo>& catalog();
[[nodiscard]] std::string_view to_string(Severity severity);

struct DiagNote {
  Span span;  // may be invalid: a note without a location
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  DiagCode code{};
  Span span;
  std::string message;
  std::vector<DiagNote> notes;
};

class DiagnosticEngine {
 public:
  // Reports with the code's default severity.
  Diagnostic& report(DiagCode code, Span span, std::string message);
  // Appends a note to the most recent diagnostic.
  void note(Span span, std::string message);
  // Moves every diagnostic of `other` here, after those already reported, as
  // if they had been reported here (a file parsed on another thread reports
  // into an engine of its own).
  void append(DiagnosticEngine&& other);

  void set_werror(bool on) { werror_ = on; }
  [[nodiscard]] std::size_t error_count() const;
  [[nodiscard]] std::size_t warning_count() const;
  [[nodiscard]] bool has_errors() const { return error_count() > 0; }
  // Diagnostics sorted by file, offset, then report order (stable).
  [[nodiscard]] std::vector<Diagnostic> sorted() const;
  [[nodiscard]] const std::vector<Diagnostic>& all() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
  bool werror_ = false;
};

}  // namespace formc::support
