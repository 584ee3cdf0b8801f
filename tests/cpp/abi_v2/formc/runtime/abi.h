// A stand-in for a formc_runtime of another ABI version (test only): the
// generated headers must refuse to compile against it.
#pragma once

#define FORMC_RUNTIME_ABI_VERSION 2

namespace formc::rt {
inline constexpr int kRuntimeAbiVersion = FORMC_RUNTIME_ABI_VERSION;
}  // namespace formc::rt
