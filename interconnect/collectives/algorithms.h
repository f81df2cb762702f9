#pragma once
// Collective algorithms as plans of flows. Each returns nothing when it does not
// apply (a tree for all-to-all, in-switch reduction without a reducing switch).
#include <optional>

#include "interconnect/collectives/collective_plan.h"
#include "interconnect/network/router.h"

namespace suanli::interconnect {

// `router` is needed only by the switch algorithm, which builds its aggregation
// tree along routed paths.
std::optional<CollectivePlan> make_plan(Algorithm algorithm, const CollectiveCall& call, const Topology& topology,
                                        Router& router, int direct_max_ranks);

}  // namespace suanli::interconnect
