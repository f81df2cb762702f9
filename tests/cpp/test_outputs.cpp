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

namespace {

template <typename Row>
std::vector<Row> read_columns(H5::H5File& file, const char* table, const H5::CompType& type) {
  H5::DataSet set = file.openDataSet(table);
  hsize_t rows = 0;
  set.getSpace().getSimpleExtentDims(&rows);
  std::vector<Row> data(rows);
  if (rows > 0) set.read(data.data(), type);
  return data;
}

}  // namespace

TEST_CASE("run outputs: every link's bytes and utilisation, the collectives and their flows", "[outputs][network]") {
  const std::string config_file = test::source_path("examples/cluster_allreduce.yaml");
  const auto config = config::load_run_config(config_file);
  const auto result = sim::simulate(config.workload, config.system, config.options);
  const auto dir = (test::scratch_dir() / "cluster-outputs").string();
  const output::RunContext run{config.file, config.text, config.system, config.workload, result};
  output::write_run_outputs(run, dir);
  const auto& topology = *config.system.topology;

  H5::H5File file(dir + "/results.h5", H5F_ACC_RDONLY);
  struct LinkRow {
    uint32_t link;
    double capacity_Bps, bytes, busy_s, utilisation;
  };
  H5::CompType link_type(sizeof(LinkRow));
  link_type.insertMember("link", HOFFSET(LinkRow, link), H5::PredType::NATIVE_UINT32);
  link_type.insertMember("capacity_Bps", HOFFSET(LinkRow, capacity_Bps), H5::PredType::NATIVE_DOUBLE);
  link_type.insertMember("bytes", HOFFSET(LinkRow, bytes), H5::PredType::NATIVE_DOUBLE);
  link_type.insertMember("busy_s", HOFFSET(LinkRow, busy_s), H5::PredType::NATIVE_DOUBLE);
  link_type.insertMember("utilisation", HOFFSET(LinkRow, utilisation), H5::PredType::NATIVE_DOUBLE);
  const auto links = read_columns<LinkRow>(file, "links", link_type);
  REQUIRE(links.size() == topology.link_count());
  double nic_bytes = 0;
  for (const auto& l : links) {
    CHECK(l.utilisation >= 0);
    CHECK(l.utilisation <= 1.0 + 1e-9);  // no link carries more than its capacity allows
    CHECK(l.busy_s <= result.makespan_s + 1e-12);
    CHECK(l.utilisation == Approx(l.bytes / (l.capacity_Bps * result.makespan_s)));
    if (topology.link(l.link).kind == interconnect::LinkKind::kNicLine) nic_bytes += l.bytes;
  }
  CHECK(nic_bytes > 0);  // two nodes: the all-reduces cross the NICs

  struct FlowRow {
    int64_t collective;
    double bytes;
  };
  H5::CompType flow_type(sizeof(FlowRow));
  flow_type.insertMember("collective", HOFFSET(FlowRow, collective), H5::PredType::NATIVE_INT64);
  flow_type.insertMember("bytes", HOFFSET(FlowRow, bytes), H5::PredType::NATIVE_DOUBLE);
  const auto flows = read_columns<FlowRow>(file, "flows", flow_type);
  double flow_bytes = 0;
  for (const auto& f : flows) {
    CHECK(f.collective >= 0);
    CHECK(f.collective < 2);
    flow_bytes += f.bytes;
  }
  CHECK(flow_bytes == Approx(result.payload_delivered));

  struct CollectiveRow {
    double start_s, end_s;
  };
  H5::CompType collective_type(sizeof(CollectiveRow));
  collective_type.insertMember("start_s", HOFFSET(CollectiveRow, start_s), H5::PredType::NATIVE_DOUBLE);
  collective_type.insertMember("end_s", HOFFSET(CollectiveRow, end_s), H5::PredType::NATIVE_DOUBLE);
  const auto collectives = read_columns<CollectiveRow>(file, "collectives", collective_type);
  REQUIRE(collectives.size() == 2);
  CHECK(collectives[0].end_s > collectives[0].start_s);

  // The timeline opens and closes one async slice per flow.
  std::ifstream timeline(dir + "/timeline.json");
  std::stringstream text;
  text << timeline.rdbuf();
  const std::string json = text.str();
  size_t begins = 0;
  for (size_t at = json.find("\"ph\":\"b\""); at != std::string::npos; at = json.find("\"ph\":\"b\"", at + 1)) ++begins;
  CHECK(begins == flows.size());
  CHECK_THAT(json, Catch::Contains("\"name\":\"network\""));
}
