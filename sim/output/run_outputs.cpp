#include "sim/output/run_outputs.h"

#include <filesystem>
#include <fstream>

#include "sim/base/error.h"

namespace suanli::output {

void write_run_outputs(const RunContext& run, const std::string& dir, OutputFiles files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir, "--out", "cannot create output directory: " + ec.message());
  const auto path = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };

  std::ofstream summary(path("summary.json"));
  if (!summary) throw InputError(path("summary.json"), "", "cannot open for writing");
  write_summary_json(run, summary);

  if (files.tables) write_results_h5(run, path("results.h5"));
  if (!files.timeline) return;

  std::ofstream timeline(path("timeline.json"));
  if (!timeline) throw InputError(path("timeline.json"), "", "cannot open for writing");
  write_timeline_json(run, timeline);
}

}  // namespace suanli::output
