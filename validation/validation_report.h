#pragma once
// The validation run as a report: DIR/report.md (per-suite summary, what was fitted
// on what, every case) and DIR/predicted_vs_measured.svg.
#include <string>

#include "validation/validation_suites.h"

namespace suanli::validation {

void write_validation_report(const ValidationRun& run, const std::string& dir, const std::string& command);

}  // namespace suanli::validation
