#include "validation/validation_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "sim/base/error.h"

namespace suanli::validation {
namespace {

std::string percent(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", 100 * x);
  return text;
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", x);
  return text;
}

// Predicted against measured on log-log axes, one colour per suite, with the
// diagonal and the +-15% band: points on the band's edge are 15% off.
void write_svg(const ValidationRun& run, const std::string& file) {
  const double size = 560, margin = 60;
  double lo = 1e300, hi = 0;
  for (const auto& c : run.cases)
    if (c.measured > 0 && c.predicted > 0) lo = std::min({lo, c.measured, c.predicted}), hi = std::max({hi, c.measured, c.predicted});
  if (hi <= 0) return;
  const double l0 = std::floor(std::log10(lo)), l1 = std::ceil(std::log10(hi));
  auto at = [&](double v) { return margin + (std::log10(v) - l0) / (l1 - l0) * (size - 2 * margin); };
  const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"};
  std::map<std::string, const char*> colour;
  std::ofstream out(file);
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << size + 160 << "' height='" << size << "' font-family='sans-serif' font-size='12'>\n"
      << "<rect width='100%' height='100%' fill='white'/>\n";
  auto y = [&](double v) { return size - at(v); };
  out << "<line x1='" << at(std::pow(10, l0)) << "' y1='" << y(std::pow(10, l0)) << "' x2='" << at(std::pow(10, l1)) << "' y2='"
      << y(std::pow(10, l1)) << "' stroke='black'/>\n";
  for (double f : {0.85, 1.15})
    out << "<line x1='" << at(std::pow(10, l0)) << "' y1='" << y(std::pow(10, l0) * f) << "' x2='" << at(std::pow(10, l1)) << "' y2='"
        << y(std::pow(10, l1) * f) << "' stroke='gray' stroke-dasharray='4'/>\n";
  for (double d = l0; d <= l1; ++d)
    out << "<text x='" << at(std::pow(10, d)) << "' y='" << size - margin + 18 << "' text-anchor='middle'>1e" << d << "</text>\n"
        << "<text x='" << margin - 8 << "' y='" << y(std::pow(10, d)) + 4 << "' text-anchor='end'>1e" << d << "</text>\n";
  out << "<text x='" << size / 2 << "' y='" << size - 15 << "' text-anchor='middle'>measured (each suite in its own unit)</text>\n"
      << "<text x='15' y='" << size / 2 << "' transform='rotate(-90 15 " << size / 2 << ")' text-anchor='middle'>predicted</text>\n";
  for (const auto& c : run.cases) {
    if (c.measured <= 0 || c.predicted <= 0) continue;
    if (!colour.count(c.suite)) colour[c.suite] = colours[colour.size() % 5];
    out << "<circle cx='" << at(c.measured) << "' cy='" << y(c.predicted) << "' r='3' fill='" << colour[c.suite] << "' fill-opacity='"
        << (c.role == "test" ? 0.9 : 0.3) << "'><title>" << c.suite << ": " << c.id << "</title></circle>\n";
  }
  int row = 0;
  for (const auto& [suite, fill] : colour) {
    out << "<circle cx='" << size + 10 << "' cy='" << margin + 20 * row << "' r='5' fill='" << fill << "'/><text x='" << size + 20
        << "' y='" << margin + 20 * row + 4 << "'>" << suite << "</text>\n";
    ++row;
  }
  out << "<text x='" << size + 10 << "' y='" << margin + 20 * row + 10 << "'>faint: fit rows</text>\n</svg>\n";
}

}  // namespace

void write_validation_report(const ValidationRun& run, const std::string& dir, const std::string& command) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir, "--report", "cannot create the report folder: " + ec.message());
  std::ofstream md(std::filesystem::path(dir) / "report.md");
  if (!md) throw InputError(dir + "/report.md", "", "cannot open for writing");
  md << "# Suanli validation report\n\nMade by `" << command << "`. Errors are in time: negative = the simulator is faster "
     << "(a shorter time or a higher throughput than measured).\n\n"
     << "| suite | held-out cases | median abs error | worst | threshold (median; worst where checked) | result | fit cases |\n|---|---|---|---|---|---|---|\n";
  for (const auto& s : run.suites)
    md << "| " << s.suite << " | " << s.held_out << " | " << (s.held_out ? percent(s.median).substr(1) : "-") << " | "
       << (s.held_out ? percent(s.worst).substr(1) : "-") << " | " << percent(s.threshold).substr(1)
       << (s.worst_threshold > 0 ? "; " + percent(s.worst_threshold).substr(1) : "") << " | "
       << (s.held_out ? (s.passed ? "pass" : s.gate ? "FAIL" : "target missed") : "no held-out cases") << " | " << s.fit << " |\n";
  md << "\n## Leave one source out\n\nEach source's rows predicted with the calibration refitted on the other sources' rows "
     << "(the same chip's where another source measured it). Targets: reported, not gated.\n\n"
     << "| suite | chip | source left out | rows | median abs error | worst | calibration without it |\n|---|---|---|---|---|---|---|\n";
  for (const auto& s : run.source_out)
    for (const auto& f : s.folds)
      md << "| " << s.suite << " | " << f.chip << " | " << f.source << " | " << f.errors.size() << " | " << percent(f.median).substr(1)
         << " | " << percent(f.worst).substr(1) << " | " << f.calibration << " |\n";
  md << "\n| suite | rows | median abs error | worst | target | result |\n|---|---|---|---|---|---|\n";
  for (const auto& s : run.source_out)
    md << "| " << s.suite << " | " << s.rows << " | " << percent(s.median).substr(1) << " | " << percent(s.worst).substr(1) << " | "
       << percent(s.threshold).substr(1) << " | " << (s.met() ? "met" : "target missed") << " |\n";
  if (!run.rankings.empty()) {
    md << "\n## Layout ranking\n\nPer sweep (one model on one machine), Spearman's correlation of predicted and measured "
       << "cost per token and the regret of running the predicted-best layout. Targets: Spearman >= " << kRankingMinSpearman
       << ", regret <= " << percent(kRankingMaxRegret).substr(1) << ".\n\n"
       << "| sweep | gpu | framework | layouts | Spearman | regret | predicted best | measured best |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : run.rankings)
      md << "| " << r.sweep << " | " << r.gpu << " | " << r.framework << " | " << r.layouts << " | " << number(r.spearman) << " | "
         << percent(r.regret).substr(1) << " | " << r.predicted_best << " | " << r.measured_best << " |\n";
  }
  md << "\n## What was fitted, on what\n\n";
  for (const auto& s : run.suites) md << "- **" << s.suite << "**: " << s.fitted << "\n";
  md << "\n![predicted against measured](predicted_vs_measured.svg)\n\n## Every case\n\n"
     << "| suite | case | role | metric | measured | predicted | error |\n|---|---|---|---|---|---|---|\n";
  for (const auto& c : run.cases)
    md << "| " << c.suite << " | " << c.id << " | " << c.role << " | " << c.metric << " | " << number(c.measured) << " | "
       << number(c.predicted) << " | " << percent(c.error) << " |\n";
  if (!run.skipped.empty()) {
    md << "\n## Not run\n\n";
    for (const auto& s : run.skipped) md << "- " << s << "\n";
  }
  write_svg(run, (std::filesystem::path(dir) / "predicted_vs_measured.svg").string());
}

}  // namespace suanli::validation
