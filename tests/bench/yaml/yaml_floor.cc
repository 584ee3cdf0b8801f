// The floor of formc's front end (tests/bench/bench_check.sh): yaml-cpp
// parsing the same files, nothing else — no ERB, no model, no checks, no
// output. Prints the median wall time of RUNS parses of every file, in ms.
//
//   yaml_floor RUNS FILE...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: yaml_floor RUNS FILE...\n";
    return 2;
  }
  const int runs = std::max(1, std::atoi(argv[1]));
  std::vector<double> times;
  std::size_t nodes = 0;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 2; i < argc; ++i) {
      // Read and parse, as formc does for each input.
      std::ifstream in(argv[i], std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      try {
        const YAML::Node doc = YAML::Load(text.str());
        nodes += doc.size();
      } catch (const YAML::Exception& e) {
        std::cerr << argv[i] << ": " << e.what() << "\n";
        return 1;
      }
    }
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  std::printf("%.2f %.2f %.2f %zu\n", times[times.size() / 2], times.front(), times.back(), nodes);
  return 0;
}
