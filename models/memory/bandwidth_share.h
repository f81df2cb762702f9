#pragma once
// Max-min fair sharing of one bandwidth among transfers that each have a ceiling
// (an op cannot pull bytes faster than its compute consumes them). Used for HBM
// shared by the engines of one device; the same rule as the flow-level network.
#include <cstddef>

namespace suanli::models {

// rates[i] = min(caps[i], fair share); caps may be +inf. Work is O(count^2), meant
// for the handful of concurrent ops on one device.
void max_min_share(double capacity, const double* caps, double* rates, size_t count);

}  // namespace suanli::models
