#include "sim/base/csv.h"

#include <fstream>

#include "sim/base/error.h"

namespace suanli {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else fields.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<CsvRow> read_csv_rows(const std::string& file, size_t columns, const std::string& what) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "", "cannot open the " + what);
  std::vector<CsvRow> rows;
  std::string line;
  int number = 0;
  while (std::getline(in, line) && (++number, !line.empty() && line[0] == '#')) {
  }  // '#' lines before the header are comments (sources); the next line is the header
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    CsvRow row{number, split_csv(line)};
    if (row.cells.size() != columns)
      throw InputError(file, row.where(),
                       "expected " + std::to_string(columns) + " columns, found " + std::to_string(row.cells.size()));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> read_csv_header(const std::string& file, const std::string& what) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "", "cannot open the " + what);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') return split_csv(line);
  throw InputError(file, "", "no header line in the " + what);
}

double csv_number(const std::string& file, const CsvRow& row, size_t column, const std::string& name) {
  try {
    return std::stod(row.cells.at(column));
  } catch (const std::exception&) {
    throw InputError(file, row.where() + ", column " + name, "expected a number, got '" + row.cells.at(column) + "'");
  }
}

}  // namespace suanli
