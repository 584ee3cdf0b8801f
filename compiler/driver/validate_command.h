// `formc validate`: validate one JSON submission with the interpreter.
//
// Contract: exit 0 when valid, 1 when invalid (errors printed: text lines
// "field: message [code]" or {"valid", "errors"} JSON) or when the
// definitions have errors, 2 for usage problems (unknown form, bad context,
// unreadable or malformed JSON file).
#pragma once

#include <string>

#include "driver/session.h"

namespace formc::driver {

struct ValidateOptions {
  CommonOptions common;
  std::string form_uid;
  std::string data_file;
  std::string context = "submit";
  std::string today;  // YYYY-MM-DD; empty: the current UTC date
};

[[nodiscard]] int run_validate(const ValidateOptions& options);

}  // namespace formc::driver
