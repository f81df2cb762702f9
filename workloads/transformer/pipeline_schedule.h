#pragma once
// The order in which a pipeline rank runs its forward and backward passes:
// Megatron-LM's 1F1B, and interleaved 1F1B when a rank holds several model chunks
// (megatron/core/pipeline_parallel/schedules.py).
#include <vector>

namespace suanli::workload {

struct PipelineStep {
  bool forward;
  int microbatch;
  int chunk;  // model chunk on this rank (0 unless interleaved)
};

// Steps of pipeline rank `stage` of `stages`, for `microbatches` micro-batches and
// `chunks` model chunks per rank. Interleaving needs microbatches % stages == 0.
std::vector<PipelineStep> pipeline_schedule(int stage, int stages, int microbatches, int chunks);

}  // namespace suanli::workload
