#include "models/memory/bandwidth_share.h"

#include <limits>

namespace suanli::models {

void max_min_share(double capacity, const double* caps, double* rates, size_t count) {
  constexpr size_t kUnset = std::numeric_limits<size_t>::max();
  bool fixed[16] = {};
  bool* done = fixed;
  bool* heap = nullptr;
  if (count > 16) done = heap = new bool[count]();
  double left = capacity;
  size_t open = count;
  // Water-filling: repeatedly give every open transfer an equal share; those whose
  // ceiling is below it take their ceiling and leave the rest to the others.
  while (open > 0) {
    const double share = left / static_cast<double>(open);
    size_t capped = kUnset;
    for (size_t i = 0; i < count; ++i)
      if (!done[i] && caps[i] <= share && (capped == kUnset || caps[i] < caps[capped])) capped = i;
    if (capped == kUnset) {
      for (size_t i = 0; i < count; ++i)
        if (!done[i]) rates[i] = share;
      break;
    }
    rates[capped] = caps[capped];
    done[capped] = true;
    left -= caps[capped];
    --open;
  }
  delete[] heap;
}

}  // namespace suanli::models
