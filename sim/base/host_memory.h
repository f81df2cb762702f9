#pragma once
// The memory of the machine the simulator runs on, to refuse a job that would
// exhaust it before allocating anything (instead of being killed half-way).

namespace suanli {

// Physical memory of this machine in bytes (0 where the system does not say).
double host_physical_memory_bytes();

}  // namespace suanli
