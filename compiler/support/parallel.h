// Running independent tasks on every core.
//
// Contract: run_parallel(n, task) calls task(i) once for each i in [0, n), on
// up to as many threads as the machine has cores (the calling thread is one
// of them), and returns when all are done. Tasks are handed out one at a time
// as threads become free (units differ in size), so task(i) must write only
// what belongs to i; whatever the schedule, the results are the same.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace formc::support {

template <typename Task>
void run_parallel(std::size_t count, const Task& task) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min(cores, count);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) task(i);
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

}  // namespace formc::support
