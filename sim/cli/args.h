#pragma once
// Command-line arguments for one subcommand: declared options with help text,
// `--name value` or `--name=value`, flags, positionals. Unknown options are errors.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace suanli::cli {

struct OptionSpec {
  std::string name;   // without dashes
  std::string value;  // placeholder such as "PRESET"; empty for a flag
  std::string help;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  Args(std::string command, std::string synopsis, std::string description, std::vector<OptionSpec> options);

  // Throws UsageError on an unknown option or a missing value. Returns false when
  // --help was asked for (help is printed to stdout).
  bool parse(const std::vector<std::string>& argv);

  bool flag(const std::string& name) const { return values_.count(name) > 0; }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::string require(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  std::string help() const;

 private:
  const OptionSpec* find(const std::string& name) const;
  std::string command_, synopsis_, description_;
  std::vector<OptionSpec> options_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positionals_;
};

}  // namespace suanli::cli
