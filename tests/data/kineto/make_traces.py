#!/usr/bin/python3
"""Writes the small PyTorch-profiler-style traces the replay tests read.

Two ranks of a toy training step, timed by a small ground-truth model of a GPU, so
that the traces are self-consistent the way real ones are:
  - one host thread issues CUDA runtime calls with untraced Python time between them;
  - a kernel starts after its launch call (plus a launch latency) and after the
    previous op on its stream;
  - four 4096^3 bf16 GEMMs (aten::mm with Input Dims; 509 us, 270 TFLOP/s, about what cuBLAS reaches on an A100) and GeLUs on the compute stream, then a
    stretch of tiny kernels the host cannot launch fast enough (the GPU idles);
  - an all-reduce on the NCCL stream that waits (cudaStreamWaitEvent) for the compute
    stream, ends on both ranks when the later rank has arrived, and a last kernel on
    the compute stream that waits for the all-reduce;
  - cudaDeviceSynchronize at the end.
Rank 1's GEMMs are 5% slower, so rank 0's all-reduce kernel includes waiting.

Usage: make_traces.py OUTDIR   (writes rank0.json and rank1.json)
"""
import json
import os
import sys

LAUNCH_US = 5.0          # a cudaLaunchKernel call
LAUNCH_LATENCY_US = 4.0  # call start to the earliest kernel start
ALLREDUCE_US = 800.0     # transfer time once both ranks are in
COMPUTE, NCCL = 7, 20


def rank_trace(rank, gemm_us, arrivals=None):
    events, host, corr, ext = [], 1000.0, 100, 500
    stream_end = {COMPUTE: 0.0, NCCL: 0.0}
    recorded = {}

    def runtime(name, dur=LAUNCH_US):
        nonlocal host, corr
        corr += 1
        events.append({"ph": "X", "cat": "cuda_runtime", "name": name, "pid": 1, "tid": 1, "ts": host, "dur": dur,
                       "args": {"correlation": corr}})
        start = host
        host += dur
        return corr, start

    def kernel(name, stream, dur, launch_ts, c, external, after=0.0):
        start = max(launch_ts + LAUNCH_LATENCY_US, stream_end[stream], after)
        events.append({"ph": "X", "cat": "kernel", "name": name, "pid": 0, "tid": stream, "ts": start, "dur": dur,
                       "args": {"stream": stream, "correlation": c, "External id": external, "device": 0}})
        events.append({"ph": "s", "cat": "ac2g", "id": c, "pid": 1, "tid": 1, "ts": launch_ts, "name": "ac2g"})
        events.append({"ph": "f", "cat": "ac2g", "id": c, "pid": 0, "tid": stream, "ts": start, "name": "ac2g", "bp": "e"})
        stream_end[stream] = start + dur
        return start + dur

    def cpu_op(name, args):
        nonlocal ext
        ext += 1
        events.append({"ph": "X", "cat": "cpu_op", "name": name, "pid": 1, "tid": 1, "ts": host, "dur": LAUNCH_US + 2,
                       "args": dict(args, **{"External id": ext})})
        return ext

    def wait(stream, on_stream, record_corr):
        events.append({"ph": "X", "cat": "cuda_sync", "name": "Stream Wait Event", "pid": 0, "tid": stream, "ts": host, "dur": 0,
                       "args": {"cuda_sync_kind": "Wait Event", "stream": stream, "wait_on_stream": on_stream,
                                "wait_on_cuda_event_record_corr_id": record_corr}})

    for layer in range(4):
        e = cpu_op("aten::mm", {"Input Dims": [[4096, 4096], [4096, 4096]], "Input type": ["c10::BFloat16", "c10::BFloat16"]})
        c, t = runtime("cudaLaunchKernel")
        kernel("ampere_bf16_s16816gemm_bf16_128x128_ldg8_f2f_tn", COMPUTE, gemm_us, t, c, e)
        host += 20.0  # Python between ops
        e = cpu_op("aten::gelu", {"Input Dims": [[4096, 4096]], "Input type": ["c10::BFloat16"]})
        c, t = runtime("cudaLaunchKernel")
        kernel("void at::native::vectorized_elementwise_kernel<4, at::native::GeluCUDAKernelImpl>", COMPUTE, 60.0, t, c, e)
        host += 20.0
    host = max(host, stream_end[COMPUTE] - 200.0)  # the host runs ahead of the GPU by a little, as a caching allocator stalls it
    for i in range(20):  # tiny kernels the host launches slower than the GPU runs them
        e = cpu_op("aten::add_", {"Input Dims": [[1024], [1024]], "Input type": ["float", "float"]})
        c, t = runtime("cudaLaunchKernel")
        kernel("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>>", COMPUTE, 3.0, t, c, e)
        host += 25.0
    # All-reduce of 16M bf16 gradients on the NCCL stream, after the compute stream.
    rec, _ = runtime("cudaEventRecord", 2.0)
    wait(NCCL, COMPUTE, rec)
    runtime("cudaStreamWaitEvent", 2.0)
    e = cpu_op("record_param_comms", {"Collective name": "allreduce", "In msg nelems": 16777216, "Out msg nelems": 16777216,
                                      "dtype": "BFloat16", "Process Group Name": "0", "Process Group Ranks": "[0, 1]",
                                      "Group size": 2})
    c, t = runtime("cudaLaunchKernel")
    start = max(t + LAUNCH_LATENCY_US, stream_end[NCCL], stream_end[COMPUTE])
    arrivals[rank] = start
    recorded[rank] = (c, t, e)
    return events, host, stream_end, corr, ext


def finish(events, host, stream_end, corr, ext, c, t, e, nccl_start, nccl_end):
    events.append({"ph": "X", "cat": "kernel", "name": "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevComm*, unsigned long, ncclWork*)",
                   "pid": 0, "tid": NCCL, "ts": nccl_start, "dur": nccl_end - nccl_start,
                   "args": {"stream": NCCL, "correlation": c, "External id": e, "device": 0}})
    stream_end[NCCL] = nccl_end
    host += 10.0
    corr += 1
    rec = corr
    events.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaEventRecord", "pid": 1, "tid": 1, "ts": host, "dur": 2.0,
                   "args": {"correlation": rec}})
    host += 2.0
    events.append({"ph": "X", "cat": "cuda_sync", "name": "Stream Wait Event", "pid": 0, "tid": COMPUTE, "ts": host, "dur": 0,
                   "args": {"cuda_sync_kind": "Wait Event", "stream": COMPUTE, "wait_on_stream": NCCL,
                            "wait_on_cuda_event_record_corr_id": rec}})
    corr += 1
    events.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaStreamWaitEvent", "pid": 1, "tid": 1, "ts": host, "dur": 2.0,
                   "args": {"correlation": corr}})
    host += 2.0
    ext += 1
    events.append({"ph": "X", "cat": "cpu_op", "name": "aten::_foreach_add_", "pid": 1, "tid": 1, "ts": host, "dur": 7.0,
                   "args": {"External id": ext}})
    corr += 1
    events.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": host, "dur": LAUNCH_US,
                   "args": {"correlation": corr}})
    start = max(host + LAUNCH_LATENCY_US, stream_end[COMPUTE], nccl_end)
    events.append({"ph": "X", "cat": "kernel", "name": "void multi_tensor_apply_kernel<AdamFunctor>", "pid": 0, "tid": COMPUTE,
                   "ts": start, "dur": 100.0, "args": {"stream": COMPUTE, "correlation": corr, "External id": ext, "device": 0}})
    host += LAUNCH_US + 15.0
    corr += 1
    done = start + 100.0
    events.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaDeviceSynchronize", "pid": 1, "tid": 1, "ts": host,
                   "dur": max(2.0, done - host + 2.0), "args": {"correlation": corr}})
    return events


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    arrivals = {}
    partial = {r: rank_trace(r, 509.0 * (1.05 if r == 1 else 1.0), arrivals) for r in (0, 1)}
    nccl_end = max(arrivals.values()) + ALLREDUCE_US
    for r in (0, 1):
        events, host, stream_end, corr, ext = partial[r]
        launch = [ev for ev in events if ev.get("cat") == "cuda_runtime" and ev["name"] == "cudaLaunchKernel"][-1]
        ext_id = [ev for ev in events if ev.get("name") == "record_param_comms"][-1]["args"]["External id"]
        events = finish(events, host, stream_end, corr, ext, launch["args"]["correlation"], launch["ts"], ext_id, arrivals[r], nccl_end)
        trace = {"schemaVersion": 1,
                 "deviceProperties": [{"id": 0, "name": "NVIDIA A100-SXM4-80GB", "totalGlobalMem": 85899345920}],
                 "distributedInfo": {"backend": "nccl", "rank": r, "world_size": 2},
                 "traceEvents": events}
        with open(os.path.join(out, f"rank{r}.json"), "w") as f:
            json.dump(trace, f, indent=0)


if __name__ == "__main__":
    main()
