#pragma once
// CSV lines as the reference tables and request traces write them.
#include <string>
#include <vector>

namespace suanli {

// Splits one CSV line; double quotes protect commas and "" is a literal quote.
std::vector<std::string> split_csv(const std::string& line);

}  // namespace suanli
