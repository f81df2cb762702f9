#pragma once
#include "interconnect/topology/topology.h"

namespace suanli::interconnect {

// Builds the graph the description asks for and checks that every device can
// reach every other; throws InputError naming the field that is wrong.
Topology build_topology(const TopologySpec& spec);

}  // namespace suanli::interconnect
