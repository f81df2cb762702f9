#pragma once
// CSV lines as the reference tables and request traces write them.
#include <string>
#include <vector>

namespace suanli {

// Splits one CSV line; double quotes protect commas and "" is a literal quote.
std::vector<std::string> split_csv(const std::string& line);

// One data row of a table, with the line it came from (for messages).
struct CsvRow {
  int line = 0;
  std::vector<std::string> cells;
  std::string where() const { return "line " + std::to_string(line); }
};

// The data rows of a table whose first line is a header and whose rows all have
// `columns` cells; blank lines and '#' lines (comments: sources, before the header
// or among the rows) are skipped. Throws InputError naming the file
// and line (`what` names the table when it cannot be opened).
std::vector<CsvRow> read_csv_rows(const std::string& file, size_t columns, const std::string& what);

// The header of such a table: its column names. Throws InputError when the file
// cannot be opened or has no header line.
std::vector<std::string> read_csv_header(const std::string& file, const std::string& what);

// Cell `column` (called `name` in messages) as a number; InputError naming the
// file, line and column otherwise.
double csv_number(const std::string& file, const CsvRow& row, size_t column, const std::string& name);

}  // namespace suanli
