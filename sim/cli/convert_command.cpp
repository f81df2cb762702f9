#include <iostream>

#include "sim/base/error.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "workloads/readers/chakra_reader.h"
#include "workloads/readers/native_io.h"
#include "workloads/readers/trace_workload.h"

namespace suanli::cli {

int convert_command(const std::vector<std::string>& argv) {
  Args args("convert", "IN... --to native|chakra OUT",
            "Convert traces into another workload format. IN: PyTorch profiler traces (.json,\n"
            ".json.gz), Chakra execution traces (.et), one per rank, or one native workload (.pb).\n"
            "--to native writes OUT as a native protobuf workload (suanli run reads it);\n"
            "--to chakra writes OUT.RANK.et, one Chakra execution trace per rank.",
            {{"to", "FORMAT", "native or chakra"}});
  if (!args.parse(argv)) return 0;
  std::vector<std::string> inputs = args.positionals();
  if (inputs.size() < 2) throw UsageError("give the input trace(s) and the output path");
  const std::string out = inputs.back();
  inputs.pop_back();
  const std::string to = args.require("to");
  if (to != "native" && to != "chakra") throw InputError("command line", "--to", "expected native or chakra, got '" + to + "'");
  const bool native_in = inputs.size() == 1 && inputs[0].size() > 3 && inputs[0].compare(inputs[0].size() - 3, 3, ".pb") == 0;
  workload::Workload workload;
  if (native_in) {
    workload = workload::read_native(inputs[0]);
  } else {
    auto trace = workload::read_traces(inputs);
    for (const auto& w : trace.warnings) std::cerr << "suanli convert: warning: " << w << "\n";
    workload = std::move(trace.workload);
  }
  if (to == "native") workload::write_native(workload, out);
  else workload::write_chakra_traces(workload, out);
  std::size_t nodes = 0;
  for (const auto& g : workload.graphs) nodes += g.nodes.size();
  std::cout << "wrote " << workload.graphs.size() << " rank(s), " << nodes << " nodes to " << out << (to == "chakra" ? ".RANK.et" : "")
            << "\n";
  return 0;
}

}  // namespace suanli::cli
