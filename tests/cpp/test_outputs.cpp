// The result files say what the run did: every op in results.h5 with its times, the
// config stored as an attribute, summary numbers that add up.
#include <catch2/catch.hpp>

#include <H5Cpp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/config/run_config.h"
#include "sim/output/run_outputs.h"
#include "test_support.h"

using namespace suanli;

TEST_CASE("run outputs: results.h5 holds every op and the config; summary adds up", "[outputs]") {
  const std::string config_file = test::source_path("examples/default.yaml");
  const auto config = config::load_run_config(config_file);
  const auto result = sim::simulate(config.workload, config.system, config.options);
  const auto dir = (test::scratch_dir() / "outputs").string();
  const output::RunContext run{config.file, config.text, config.system, config.workload, result};
  output::write_run_outputs(run, dir);

  H5::H5File file(dir + "/results.h5", H5F_ACC_RDONLY);
  H5::DataSet ops = file.openDataSet("ops");
  hsize_t rows = 0;
  ops.getSpace().getSimpleExtentDims(&rows);
  CHECK(rows == config.workload.graphs[0].nodes.size());

  struct Row {
    double start_s, end_s;
  };
  H5::CompType times(sizeof(Row));
  times.insertMember("start_s", HOFFSET(Row, start_s), H5::PredType::NATIVE_DOUBLE);
  times.insertMember("end_s", HOFFSET(Row, end_s), H5::PredType::NATIVE_DOUBLE);
  std::vector<Row> data(rows);
  ops.read(data.data(), times);
  double last = 0;
  for (const auto& row : data) {
    CHECK(row.end_s >= row.start_s);
    last = std::max(last, row.end_s);
  }
  CHECK(last == Approx(result.makespan_s));

  H5::Attribute attribute = file.openAttribute("config_yaml");
  std::string stored;
  attribute.read(attribute.getStrType(), stored);
  CHECK(stored == config.text);

  std::ifstream summary(dir + "/summary.json");
  std::stringstream text;
  text << summary.rdbuf();
  CHECK_THAT(text.str(), Catch::Contains("\"makespan_s\"") && Catch::Contains("\"busy_s\"") &&
                             Catch::Contains("\"achieved_flops_per_s\""));
}
