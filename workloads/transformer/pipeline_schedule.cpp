#include "workloads/transformer/pipeline_schedule.h"

#include <algorithm>

namespace suanli::workload {

std::vector<PipelineStep> pipeline_schedule(int stage, int stages, int microbatches, int chunks) {
  const int total = microbatches * chunks;
  // Forwards before the first backward: enough to fill the pipeline below this
  // stage; interleaving adds a round of every other chunk.
  const int warmup = chunks == 1 ? std::min(stages - stage - 1, microbatches)
                                 : std::min((stages - stage - 1) * 2 + (chunks - 1) * stages, total);
  // Virtual micro-batch k: groups of `stages` micro-batches go through chunk 0, then
  // chunk 1, ...; backward visits the chunks in reverse.
  auto step = [&](int k, bool forward) {
    const int in_group = k % (stages * chunks);
    int chunk = in_group / stages;
    if (!forward) chunk = chunks - 1 - chunk;
    const int microbatch = k / (stages * chunks) * stages + in_group % stages;
    return PipelineStep{forward, chunks == 1 ? k : microbatch, chunks == 1 ? 0 : chunk};
  };
  std::vector<PipelineStep> steps;
  steps.reserve(2 * total);
  for (int k = 0; k < warmup; ++k) steps.push_back(step(k, true));
  for (int i = 0; i < total - warmup; ++i) {
    steps.push_back(step(warmup + i, true));
    steps.push_back(step(i, false));
  }
  for (int i = total - warmup; i < total; ++i) steps.push_back(step(i, false));
  return steps;
}

}  // namespace suanli::workload
