#pragma once
// Preset files: NAME.yaml looked up in a list of folders, the user's first
// (a colon-separated environment variable), then the one built in.
#include <string>
#include <vector>

namespace suanli {

std::vector<std::string> preset_search_dirs(const char* env_var, const std::string& built_in);
// Names (file stems) of the .yaml files in `dirs`, sorted, each once.
std::vector<std::string> preset_names_in(const std::vector<std::string>& dirs);
// The first dirs/NAME.yaml; otherwise throws InputError on `field`:
// "unknown <what> 'NAME'; known <known>: a, b, c".
std::string find_preset_file(const std::vector<std::string>& dirs, const std::string& name, const std::string& field,
                             const std::string& what, const std::string& known);

}  // namespace suanli
