// Whole-module checks: references, formats, HTML, tolerated oddities.
//
// Contract: run after model::build(); reads the IR only and reports into the
// engine. What DataPass tolerates in its real files (a step missing from the
// definition's blocks, a block both static and a step, two default forms) is
// a warning, so the real files pass with no error.
#pragma once

#include "model/ir.h"
#include "support/diagnostics.h"

namespace formc::check {

void run_checks(const model::Module& module, support::DiagnosticEngine& diags);

}  // namespace formc::check
