#pragma once
// Reading and writing the native workload format (workloads/proto/workload.proto):
// binary protobuf for `.pb`, protobuf text format for `.pbtxt`.
#include <string>

#include "workloads/graph.h"

namespace suanli::workload {

Workload read_native(const std::string& file);
void write_native(const Workload& workload, const std::string& file);

}  // namespace suanli::workload
