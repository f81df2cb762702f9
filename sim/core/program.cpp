#include "sim/core/program.h"

namespace suanli::sim {

const char* engine_name(int engine) {
  static const char* names[] = {"matrix", "vector", "copy", "host", "comm"};
  return engine >= 0 && engine < kEngineCount ? names[engine] : "?";
}

}  // namespace suanli::sim
