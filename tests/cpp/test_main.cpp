// Catch2 runner for the C++ tests. SystemC's library wants sc_main; the tests
// themselves start a fresh kernel per simulation (sim/core/simulation.cpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

#include <cstdlib>

#include "test_support.h"

int sc_main(int argc, char* argv[]) {
  const int failures = Catch::Session().run(argc, argv);
  std::error_code ignored;
  std::filesystem::remove_all(suanli::test::scratch_dir(), ignored);
  return failures;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
