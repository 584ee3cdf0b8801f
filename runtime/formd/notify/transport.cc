#include "notify/transport.h"

#include <chrono>

namespace formd::notify {

std::string_view to_string(SendStatus status) {
  switch (status) {
    case SendStatus::sent:
      return "sent";
    case SendStatus::temporary_failure:
      return "temporary failure";
    case SendStatus::permanent_failure:
      return "permanent failure";
  }
  return "unknown";
}

std::int64_t system_unix_time() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace formd::notify
