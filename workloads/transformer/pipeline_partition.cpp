#include "workloads/transformer/pipeline_partition.h"

namespace suanli::workload {

std::vector<int> nanotron_stage_layers(const ModelSpec& m, int pp) {
  const double h = static_cast<double>(m.hidden);
  const double head_dim = static_cast<double>(m.hidden / m.heads);  // nanotron's d_qkv, whatever the model's head_dim
  std::vector<double> costs;  // the blocks that cost anything, in pipeline order
  for (int layer = 0; layer < m.layers; ++layer)
    costs.push_back(4 * m.heads * head_dim * h + 3 * static_cast<double>(m.layer_ffn(layer)) * h);
  costs.push_back(static_cast<double>(m.vocab) * h);  // the LM head
  double total = 0;
  for (double c : costs) total += c;
  std::vector<int> layers(pp, 0);
  int stage = 0;
  double cumulative = 0;
  for (size_t block = 0; block < costs.size(); ++block) {
    cumulative += costs[block];
    if (block + 1 < costs.size()) ++layers[stage];  // the last block is the head, not a layer
    if (cumulative > total * (stage + 1) / pp && stage + 1 < pp) ++stage;
  }
  return layers;
}

}  // namespace suanli::workload
