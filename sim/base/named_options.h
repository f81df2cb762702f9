#pragma once
// Options by name, as a command gets them (--tensor-parallel-size 8) or a run config
// (tensor_parallel_size: 8): the text of each, and typed reads that fail naming the
// option the way its source spells it.
#include <functional>
#include <map>
#include <string>

namespace suanli {

struct NamedOptions {
  std::map<std::string, std::string> values;  // dashed name -> value ("true" for a flag)
  std::string source;                          // file, or "command line"
  std::function<std::string(const std::string&)> field;  // dashed name -> how the source spells it, for messages

  bool has(const std::string& name) const { return values.count(name) > 0; }
  std::string text(const std::string& name, const std::string& fallback) const;
  bool flag(const std::string& name) const;                           // "true"/"false"; absent: false
  long long integer(const std::string& name, long long fallback) const;  // non-negative integer
  double number(const std::string& name, double fallback) const;      // non-negative, or "inf"
  long long whole(const std::string& name, long long fallback, long long at_least) const;  // a number that is whole
  [[noreturn]] void fail(const std::string& name, const std::string& problem) const;  // InputError on the option
};

}  // namespace suanli
