// The ABI version of formc_runtime: what generated code was written against.
//
// Contract: every generated header includes this file and does
//   static_assert(FORMC_RUNTIME_ABI_VERSION == 1, "...");
// so compiling generated code against a runtime of another ABI version fails
// at compile time with that message, instead of misbehaving at run time. The
// number changes whenever a type or function generated code uses changes
// incompatibly (layout of Error/Context/FormInfo, the Binding, the meaning of
// a Shape, ...). Adding something new does not change it.
#pragma once

#define FORMC_RUNTIME_ABI_VERSION 1

// For hand-written code built against a given runtime ABI:
//   FORMC_RUNTIME_REQUIRE_ABI(1);
#define FORMC_RUNTIME_REQUIRE_ABI(version) \
  static_assert(FORMC_RUNTIME_ABI_VERSION == (version), "formc_runtime ABI mismatch: expected version " #version)

namespace formc::rt {
inline constexpr int kRuntimeAbiVersion = FORMC_RUNTIME_ABI_VERSION;
}  // namespace formc::rt
