// Prints the simulator's error against the project's own GPU measurements, row by
// row and per family, fit and held-out rows apart:
//   build/bin/own_error_table [validation/data/h200] [--family PREFIX]
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <systemc>  // declares sc_main, which this tool defines

#include "validation/error_summary.h"
#include "validation/own_measurements.h"

int sc_main(int argc, char* argv[]) {
  std::string dir = SUANLI_SOURCE_DIR "/validation/data/h200", only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--family" && i + 1 < argc) only = argv[++i];
    else dir = a;
  }
  try {
    const auto suite = suanli::validation::run_own_suite(dir);
    std::map<std::string, std::vector<double>> by_family;
    std::map<std::string, std::vector<double>> by_role;
    for (const auto& c : suite.cases) {
      by_family[c.group + " " + c.family + " (" + c.role + ")"].push_back(std::fabs(c.error()));
      by_role[c.group + " " + c.role].push_back(std::fabs(c.error()));
      if (!only.empty() && c.family.rfind(only, 0) == 0)
        std::printf("%-5s %-50s %12.4g %12.4g %+7.1f%%\n", c.role.c_str(), c.id.c_str(), c.measured_s, c.predicted_s, 100 * c.error());
    }
    for (const auto& [family, errors] : by_family) suanli::validation::print_error_summary(family.c_str(), errors);
    for (const auto& [role, errors] : by_role) suanli::validation::print_error_summary(role.c_str(), errors);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "own_error_table: %s\n", e.what());
    return 1;
  }
  return 0;
}
