// Prints the GEMM model's error against public cuBLAS measurements:
//   build/bin/gemm_error_table [validation/reference/gemm_cublas.csv]
#include <iostream>

#include "sim/base/error.h"
#include "validation/gemm_reference.h"

int main(int argc, char* argv[]) {
  const std::string file = argc > 1 ? argv[1] : SUANLI_SOURCE_DIR "/validation/reference/gemm_cublas.csv";
  try {
    const auto rows = suanli::validation::compare_gemm(suanli::validation::read_gemm_reference(file));
    std::cout << suanli::validation::format_gemm_table(rows);
  } catch (const std::exception& e) {
    std::cerr << "gemm_error_table: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
