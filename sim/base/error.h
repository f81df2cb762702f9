#pragma once
// One error type for every kind of bad input, so the CLI, tests and (later) Python
// all see the same message: which file, which field, what was expected.
#include <stdexcept>
#include <string>

namespace suanli {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, const std::string& field, const std::string& problem)
      : std::runtime_error(compose(file, field, problem)), file_(file), field_(field), problem_(problem) {}

  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  static std::string compose(const std::string& file, const std::string& field,
                             const std::string& problem) {
    std::string where = file.empty() ? std::string() : file;
    if (!field.empty()) where += (where.empty() ? "" : ": ") + field;
    return where.empty() ? problem : where + ": " + problem;
  }
  std::string file_;
  std::string field_;
  std::string problem_;
};

// A run that is well formed but cannot execute on the machine described
// (out of memory, missing dtype support, unmatched collective).
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace suanli
