#include "sim/base/yaml_fields.h"

#include <cmath>

#include "sim/base/error.h"
#include "sim/base/units.h"

namespace suanli {
namespace {

const char* type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "nothing";
    default: return "an undefined value";
  }
}

}  // namespace

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

void merge_overrides(YAML::Node base, const YAML::Node& overrides, const std::string& file, const std::string& path,
                     const std::string& what) {
  if (!overrides.IsMap()) throw InputError(file, path, "expected a mapping of overrides");
  for (const auto& item : overrides) {
    const std::string key = item.first.Scalar();
    const std::string where = join_path(path, key);
    if (!base[key]) throw InputError(file, where, "unknown " + what + " field '" + key + "' (not in the preset schema)");
    if (item.second.IsMap() && base[key].IsMap()) merge_overrides(base[key], item.second, file, where, what);
    else base[key] = YAML::Clone(item.second);
  }
}

void merge_optional_sections(YAML::Node base, YAML::Node& overrides, std::initializer_list<const char*> sections,
                             const std::string& file, const std::string& path) {
  for (const char* section : sections) {
    if (!overrides[section]) continue;
    if (!overrides[section].IsMap()) throw InputError(file, join_path(path, section), "expected a mapping");
    if (!base[section]) base[section] = YAML::Node(YAML::NodeType::Map);
    for (const auto& item : overrides[section]) base[section][item.first.Scalar()] = YAML::Clone(item.second);
    overrides.remove(section);
  }
}

YamlFields::YamlFields(YAML::Node node, std::string file, std::string path)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (!node_.IsMap())
    throw InputError(file_, path_.empty() ? "(top level)" : path_,
                     std::string("expected a mapping of keys, got ") + type_name(node_));
}

std::string YamlFields::field(const std::string& key) const {
  std::string where = key.empty() ? (path_.empty() ? "(top level)" : path_) : join_path(path_, key);
  YAML::Node value = key.empty() ? YAML::Node() : node_[key];
  const YAML::Mark mark = value ? value.Mark() : node_.Mark();
  if (mark.line >= 0) where += " (line " + std::to_string(mark.line + 1) + ")";
  return where;
}

void YamlFields::fail(const std::string& key, const std::string& problem) const {
  throw InputError(file_, field(key), problem);
}

bool YamlFields::has(const std::string& key) const { return static_cast<bool>(node_[key]); }

YAML::Node YamlFields::child(const std::string& key) {
  used_.insert(key);
  return node_[key];
}

YamlFields YamlFields::section(const std::string& key) {
  return YamlFields(child(key), file_, join_path(path_, key));
}

YAML::Node YamlFields::need(const std::string& key) {
  YAML::Node value = child(key);
  if (!value || value.IsNull()) fail(key, "required field is missing");
  return value;
}

std::string YamlFields::required_string(const std::string& key) {
  YAML::Node value = need(key);
  if (!value.IsScalar()) fail(key, std::string("expected a string, got ") + type_name(value));
  return value.Scalar();
}

double YamlFields::required_number(const std::string& key) {
  YAML::Node value = need(key);
  double number = 0;
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, number) || !std::isfinite(number))
    fail(key, "expected a number, got '" + (value.IsScalar() ? value.Scalar() : type_name(value)) + "'");
  return number;
}

double YamlFields::required_bytes(const std::string& key) {
  YAML::Node value = need(key);
  if (!value.IsScalar()) fail(key, std::string("expected a byte count, got ") + type_name(value));
  try {
    return units::parse_bytes(value.Scalar());
  } catch (const std::invalid_argument& e) {
    fail(key, e.what());
  }
}

int64_t YamlFields::required_int(const std::string& key) {
  double number = required_number(key);
  if (number != std::floor(number) || std::fabs(number) > 9e15)
    fail(key, "expected an integer, got " + node_[key].Scalar());
  return static_cast<int64_t>(number);
}

std::string YamlFields::optional_string(const std::string& key, const std::string& fallback) {
  return has(key) ? required_string(key) : (used_.insert(key), fallback);
}
double YamlFields::optional_number(const std::string& key, double fallback) {
  return has(key) ? required_number(key) : (used_.insert(key), fallback);
}
double YamlFields::optional_bytes(const std::string& key, double fallback) {
  return has(key) ? required_bytes(key) : (used_.insert(key), fallback);
}
int64_t YamlFields::optional_int(const std::string& key, int64_t fallback) {
  return has(key) ? required_int(key) : (used_.insert(key), fallback);
}

double YamlFields::optional_seconds(const std::string& key, double fallback) {
  if (!has(key)) {
    used_.insert(key);
    return fallback;
  }
  YAML::Node value = need(key);
  if (!value.IsScalar()) fail(key, std::string("expected a duration, got ") + type_name(value));
  try {
    return units::parse_seconds(value.Scalar());
  } catch (const std::invalid_argument& e) {
    fail(key, e.what());
  }
}

bool YamlFields::optional_bool(const std::string& key, bool fallback) {
  if (!has(key)) {
    used_.insert(key);
    return fallback;
  }
  YAML::Node value = need(key);
  bool flag = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, flag))
    fail(key, "expected true or false");
  return flag;
}

std::vector<int64_t> YamlFields::optional_int_list(const std::string& key) {
  std::vector<int64_t> out;
  YAML::Node value = child(key);
  if (!value || value.IsNull()) return out;
  if (!value.IsSequence()) fail(key, std::string("expected a list of integers, got ") + type_name(value));
  for (const auto& item : value) {
    double number = 0;
    if (!item.IsScalar() || !YAML::convert<double>::decode(item, number) || number != std::floor(number))
      fail(key, "expected a list of integers; one entry is '" + (item.IsScalar() ? item.Scalar() : type_name(item)) + "'");
    out.push_back(static_cast<int64_t>(number));
  }
  return out;
}

std::vector<std::string> YamlFields::optional_string_list(const std::string& key) {
  std::vector<std::string> out;
  YAML::Node value = child(key);
  if (!value || value.IsNull()) return out;
  if (value.IsScalar()) return {value.Scalar()};
  if (!value.IsSequence()) fail(key, std::string("expected a list of names, got ") + type_name(value));
  for (const auto& item : value) {
    if (!item.IsScalar()) fail(key, "expected a list of names; one entry is " + std::string(type_name(item)));
    out.push_back(item.Scalar());
  }
  return out;
}

std::map<std::string, double> YamlFields::number_map(const std::string& key) {
  YAML::Node value = need(key);
  if (!value.IsMap()) fail(key, std::string("expected a mapping of name: number, got ") + type_name(value));
  std::map<std::string, double> out;
  YamlFields entries(value, file_, join_path(path_, key));
  for (const auto& item : value) {
    const std::string name = item.first.Scalar();
    out[name] = entries.required_number(name);
  }
  return out;
}

void YamlFields::finish() const {
  for (const auto& item : node_) {
    const std::string key = item.first.Scalar();
    if (used_.count(key)) continue;
    std::string known;
    for (const auto& name : used_) known += (known.empty() ? "" : ", ") + name;
    throw InputError(file_, field(key), "unknown key '" + key + "'; expected one of: " + known);
  }
}

YAML::Node load_yaml_file(const std::string& file) {
  try {
    return YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw InputError(file, "", "cannot open file");
  } catch (const YAML::ParserException& e) {
    throw InputError(file, "line " + std::to_string(e.mark.line + 1), "YAML syntax error: " + e.msg);
  }
}

}  // namespace suanli
