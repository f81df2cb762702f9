#include "sim/cli/args.h"

#include <iostream>
#include <sstream>

namespace suanli::cli {

Args::Args(std::string command, std::string synopsis, std::string description, std::vector<OptionSpec> options)
    : command_(std::move(command)), synopsis_(std::move(synopsis)), description_(std::move(description)),
      options_(std::move(options)) {
  options_.push_back({"help", "", "show this help and exit"});
}

const OptionSpec* Args::find(const std::string& name) const {
  for (const auto& option : options_)
    if (option.name == name) return &option;
  return nullptr;
}

bool Args::parse(const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    const bool inline_value = name.find('=') != std::string::npos;
    if (inline_value) {
      value = name.substr(name.find('=') + 1);
      name = name.substr(0, name.find('='));
    }
    // Frameworks spell their flags with underscores (trtllm-serve --max_batch_size,
    // DeepSpeed's zero_optimization.stage); every option here is dashed.
    for (char& ch : name)
      if (ch == '_') ch = '-';
    const OptionSpec* spec = find(name);
    if (!spec) throw UsageError("unknown option --" + name + " for 'suanli " + command_ + "' (see suanli " + command_ + " --help)");
    if (name == "help") {
      std::cout << help();
      return false;
    }
    if (spec->value.empty()) {
      if (inline_value) throw UsageError("option --" + name + " takes no value");
      values_[name] = "1";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value " + spec->value);
      value = argv[++i];
    }
    values_[name] = value;
  }
  return true;
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string Args::require(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    const OptionSpec* spec = find(name);
    throw UsageError("missing --" + name + (spec ? " " + spec->value : std::string()) + " (see suanli " + command_ + " --help)");
  }
  return it->second;
}

std::string Args::help() const {
  std::ostringstream out;
  out << "usage: suanli " << command_ << " " << synopsis_ << "\n\n" << description_ << "\n\noptions:\n";
  for (const auto& option : options_) {
    std::string left = "  --" + option.name + (option.value.empty() ? "" : " " + option.value);
    if (left.size() < 30) left.resize(30, ' ');
    else left += "\n" + std::string(30, ' ');
    out << left << option.help << "\n";
  }
  return out.str();
}

}  // namespace suanli::cli
