#include "sim/base/preset_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "sim/base/error.h"

namespace fs = std::filesystem;

namespace suanli {

std::vector<std::string> preset_search_dirs(const char* env_var, const std::string& built_in) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv(env_var)) {
    std::stringstream list(env);
    for (std::string dir; std::getline(list, dir, ':');)
      if (!dir.empty()) dirs.push_back(dir);
  }
  dirs.push_back(built_in);
  return dirs;
}

std::vector<std::string> preset_names_in(const std::vector<std::string>& dirs) {
  std::vector<std::string> names;
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string find_preset_file(const std::vector<std::string>& dirs, const std::string& name, const std::string& field,
                             const std::string& what, const std::string& known) {
  for (const auto& dir : dirs) {
    const fs::path candidate = fs::path(dir) / (name + ".yaml");
    if (fs::exists(candidate)) return candidate.string();
  }
  std::string list;
  for (const auto& n : preset_names_in(dirs)) list += (list.empty() ? "" : ", ") + n;
  throw InputError("", field, "unknown " + what + " '" + name + "'; known " + known + ": " + list);
}

}  // namespace suanli
