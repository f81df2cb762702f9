// Entry point of the `suanli` command-line tool: sc_main dispatches the subcommands.
#include <systemc>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "sim/base/error.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"

namespace {

const char* kUsage =
    "usage: suanli COMMAND [options]\n"
    "\n"
    "Suanli simulates AI chips and clusters running Transformer workloads.\n"
    "\n"
    "commands:\n"
    "  run CONFIG.yaml --out DIR   simulate a run config; write summary.json, results.h5, timeline.json\n"
    "  op --chip PRESET ...        predicted time and throughput of one op on a chip\n"
    "  collective --system PRESET  time a collective on a system's network, like nccl-tests\n"
    "  train --system PRESET ...   one training iteration from Megatron-LM's options\n"
    "  serve --system PRESET ...   an inference engine under a request stream, with vLLM's options\n"
    "  replay TRACE... --system P  replay PyTorch profiler traces, measured or modelled on a system\n"
    "  convert IN... --to FMT OUT  convert traces to a native workload or to Chakra traces\n"
    "  sweep SWEEP.yaml            a design-space sweep over a run config (runs python3 -m suanli)\n"
    "  validate [--quick]          every reference measurement against the simulator, per suite\n"
    "  presets                     list chip and system presets with their headline numbers\n"
    "\n"
    "Run 'suanli COMMAND --help' for the options of a command.\n";

}  // namespace

int sc_main(int argc, char* argv[]) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "run") return suanli::cli::run_command(args);
    if (command == "op") return suanli::cli::op_command(args);
    if (command == "presets") return suanli::cli::presets_command(args);
    if (command == "collective") return suanli::cli::collective_command(args);
    if (command == "train") return suanli::cli::train_command(args);
    if (command == "serve") return suanli::cli::serve_command(args);
    if (command == "replay") return suanli::cli::replay_command(args);
    if (command == "convert") return suanli::cli::convert_command(args);
    if (command == "sweep") return suanli::cli::sweep_command(args);
    if (command == "validate") return suanli::cli::validate_command(args);
    std::cerr << "suanli: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
  } catch (const suanli::cli::UsageError& e) {
    std::cerr << "suanli " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const suanli::InputError& e) {
    std::cerr << "suanli " << command << ": error: " << e.what() << "\n";
    return 1;
  } catch (const suanli::SimulationError& e) {
    std::cerr << "suanli " << command << ": simulation error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "suanli " << command << ": internal error: " << e.what() << "\n";
    return 3;
  }
}

// SystemC's own main() prints a banner before sc_main runs; this one switches the
// banner off first and then hands over to the kernel exactly as SystemC's would.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
