#pragma once
// Strict reading of YAML mappings: every key must be known, every value of the
// expected type, and every error names the file, the field path and line, and what
// was expected. Configs, presets and op lists all read through this.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace suanli {

class YamlFields {
 public:
  // `path` is the dotted field path of `node` inside `file` ("system.chip").
  YamlFields(YAML::Node node, std::string file, std::string path);

  bool has(const std::string& key) const;
  YAML::Node child(const std::string& key);  // marks key as used; null node if absent
  const YAML::Node& node() const { return node_; }
  YamlFields section(const std::string& key);  // a child mapping, read strictly in turn

  std::string required_string(const std::string& key);
  double required_number(const std::string& key);
  double required_bytes(const std::string& key);  // number or "80GiB"
  int64_t required_int(const std::string& key);

  std::string optional_string(const std::string& key, const std::string& fallback);
  double optional_number(const std::string& key, double fallback);
  double optional_bytes(const std::string& key, double fallback);
  double optional_seconds(const std::string& key, double fallback);  // number or "5us"
  int64_t optional_int(const std::string& key, int64_t fallback);
  bool optional_bool(const std::string& key, bool fallback);
  std::vector<int64_t> optional_int_list(const std::string& key);
  std::vector<std::string> optional_string_list(const std::string& key);
  std::map<std::string, double> number_map(const std::string& key);  // required mapping of numbers

  // Throws for any key not read; call once all known keys are read.
  void finish() const;

  const std::string& file() const { return file_; }
  std::string field(const std::string& key) const;  // "path.key (line N)"
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  YAML::Node need(const std::string& key);
  YAML::Node node_;
  std::string file_;
  std::string path_;
  std::set<std::string> used_;
};

// Loads a YAML file; a missing file or a syntax error becomes an InputError naming it.
YAML::Node load_yaml_file(const std::string& file);

// Copies `overrides` into `base` key by key, descending into mappings, so that an
// override names only the fields it changes. A key that `base` lacks is an error
// ("unknown <what> field").
void merge_overrides(YAML::Node base, const YAML::Node& overrides, const std::string& file, const std::string& path,
                     const std::string& what);
// Optional sections a preset may leave out (or hold only in part) take any of their
// keys from the overrides, which are then removed from `overrides`; the parser checks
// them as strictly as a preset's own keys.
void merge_optional_sections(YAML::Node base, YAML::Node& overrides, std::initializer_list<const char*> sections,
                             const std::string& file, const std::string& path);

// The dotted path of a child: join_path("system", "chip") == "system.chip".
std::string join_path(const std::string& parent, const std::string& key);

}  // namespace suanli
