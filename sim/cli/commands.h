#pragma once
// The subcommands of `suanli`. Each returns the process exit code and throws
// UsageError, InputError or SimulationError for main to report.
#include <string>
#include <vector>

namespace suanli::cli {

int run_command(const std::vector<std::string>& args);
int op_command(const std::vector<std::string>& args);
int presets_command(const std::vector<std::string>& args);
int collective_command(const std::vector<std::string>& args);
int train_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int convert_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);

}  // namespace suanli::cli
