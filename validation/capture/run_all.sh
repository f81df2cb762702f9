#!/usr/bin/env bash
# Every measurement of the project's own validation suite, in one call on a machine
# with one CUDA GPU: builds gemm_bench and memory_bench with nvcc, runs them, times
# PyTorch's memory-bound kernels and attention, records one short GPT-like training
# trace and one decode trace with torch.profiler, and describes the device. All of it
# goes to OUT (default: $OUT, else ./capture-out), at most two folders down.
#
#   validation/capture/run_all.sh [OUT]            # on the GPU machine
#   validation/capture/run_all.sh --dry-run [OUT]  # anywhere nvcc is: builds, lists the plan
#
# Each step has its own time limit, so that one that hangs leaves the others' results.
# Where nvcc there cannot build (no cuBLAS beside it), binaries built elsewhere with
# the same CUDA major version may be passed in SUANLI_PREBUILT (a folder holding
# gemm_bench and memory_bench). SUANLI_CUBLASLT_DIR names a folder holding libcublasLt.
set -uo pipefail
DRY=0
if [ "${1:-}" = "--dry-run" ]; then DRY=1; shift; fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT_DIR="${1:-${OUT:-$ROOT/capture-out}}"
mkdir -p "$OUT_DIR"
LOG="$OUT_DIR/log.txt"
BIN="$(mktemp -d)"
PY="${SUANLI_CAPTURE_PYTHON:-python3}"
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
exec > >(tee -a "$LOG") 2>&1
step() { echo "== $(date -u +%H:%M:%S) $*"; }

# The folders that may hold libcublasLt: one given in SUANLI_CUBLASLT_DIR, the toolkit's
# (installs differ: lib64, lib or targets/), the loader's cache, then the pip wheel
# PyTorch uses.
cublas_dirs() {
  local cuda_home
  cuda_home="$(dirname "$(dirname "$NVCC")")"
  [ -n "${SUANLI_CUBLASLT_DIR:-}" ] && echo "$SUANLI_CUBLASLT_DIR"
  echo "$cuda_home/lib64"
  echo "$cuda_home/lib"
  echo "$cuda_home/targets/x86_64-linux/lib"
  ldconfig -p 2>/dev/null | awk '/libcublasLt\.so/ { sub(/\/[^\/]*$/, "", $NF); print $NF }' | sort -u
  "$PY" -c 'import nvidia.cublas as m, os; [print(os.path.join(p, "lib")) for p in m.__path__]' 2>/dev/null
}

build() {
  local flags=(-O3 -std=c++17 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90)
  local dir
  for dir in $(cublas_dirs); do
    [ -e "$dir/libcublasLt.so" ] || [ -e "$dir/libcublasLt.so.13" ] || [ -e "$dir/libcublasLt.so.12" ] || continue
    local lib
    lib="$(ls "$dir"/libcublasLt.so* | head -1)"
    step "building with $NVCC against $lib"
    if "$NVCC" "${flags[@]}" "$HERE/../cuda/gemm_bench.cu" -o "$BIN/gemm_bench" "$lib" -Xlinker -rpath="$dir" &&
       "$NVCC" "${flags[@]}" "$HERE/../cuda/memory_bench.cu" -o "$BIN/memory_bench"; then
      return 0
    fi
  done
  if [ -n "${SUANLI_PREBUILT:-}" ] && [ -x "$SUANLI_PREBUILT/gemm_bench" ]; then
    step "nvcc could not build here: using $SUANLI_PREBUILT"
    cp "$SUANLI_PREBUILT/gemm_bench" "$SUANLI_PREBUILT/memory_bench" "$BIN/"
    for dir in $(cublas_dirs); do export LD_LIBRARY_PATH="$dir:${LD_LIBRARY_PATH:-}"; done
    return 0
  fi
  echo "cannot build the CUDA benchmarks: nvcc found no usable libcublasLt in $(cublas_dirs | tr '\n' ' ')" >&2
  return 1
}

describe_device() {
  {
    echo "# captured $(date -u +%Y-%m-%dT%H:%M:%SZ) by validation/capture/run_all.sh"
    echo "## uname"; uname -a
    echo "## nvcc"; "$NVCC" --version 2>&1 | tail -2
    echo "## nvidia-smi"
    nvidia-smi --query-gpu=name,pci.bus_id,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,power.limit,power.draw,temperature.gpu,pstate --format=csv 2>&1
    nvidia-smi -q -d CLOCK,POWER,PERFORMANCE 2>&1 | head -120
    echo "## torch"
    "$PY" - <<'PYEOF' 2>&1
import torch
p = torch.cuda.get_device_properties(0)
print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())
print("device", p.name, "sm_count", p.multi_processor_count, "memory_bytes", p.total_memory,
      "capability", f"{p.major}.{p.minor}", "l2_bytes", getattr(p, "L2_cache_size", "?"))
PYEOF
  } > "$OUT_DIR/device.txt"
}

if [ "$DRY" = 1 ]; then
  step "dry run: build and plan only"
  build || exit 1
  "$BIN/gemm_bench" --list | awk -F, 'NR > 1 { n[$2]++ } END { for (d in n) print "gemm_bench", d, n[d], "shapes" }'
  echo "memory_bench: $("$BIN/memory_bench" --list | tail -n +2 | wc -l) cases"
  echo "vector ops: $("$PY" "$HERE/time_vector_ops.py" --dry-run | wc -l) cases"
  echo "attention: $("$PY" "$HERE/time_attention.py" --dry-run | wc -l) shapes"
  "$PY" "$HERE/capture_gpt_traces.py" --dry-run --mode train --layers 4 --hidden 2048 --heads 16 --seq 1024 --batch 4 >/dev/null &&
    "$PY" "$HERE/capture_gpt_traces.py" --dry-run --mode infer --layers 4 --hidden 2048 --heads 16 --seq 512 --batch 8 >/dev/null &&
    echo "traces: plans ok"
  exit 0
fi

status=0
step "device"; describe_device; head -4 "$OUT_DIR/device.txt" | tail -2
build || exit 1
step "gemm_bench"; timeout 300 "$BIN/gemm_bench" --out "$OUT_DIR/gemm.csv" || status=1
step "memory_bench"; timeout 120 "$BIN/memory_bench" --out "$OUT_DIR/memory.csv" || status=1
step "PyTorch vector ops"; timeout 150 "$PY" "$HERE/time_vector_ops.py" --out "$OUT_DIR/vector_ops.csv" || status=1
TRACES="$(mktemp -d)"
step "training trace"
timeout 120 "$PY" "$HERE/capture_gpt_traces.py" --mode train --layers 4 --hidden 2048 --heads 16 --seq 1024 --batch 4 --steps 3 \
  --out "$TRACES/train" && gzip -c "$TRACES/train/rank0.json" > "$OUT_DIR/train_rank0.json.gz" || status=1
step "decode trace"
timeout 120 "$PY" "$HERE/capture_gpt_traces.py" --mode infer --layers 4 --hidden 2048 --heads 16 --seq 512 --batch 8 \
  --decode-tokens 64 --steps 1 --out "$TRACES/decode" && gzip -c "$TRACES/decode/rank0.json" > "$OUT_DIR/decode_rank0.json.gz" || status=1
cat "$TRACES"/*/plan.json 2>/dev/null
step "attention"; timeout 120 "$PY" "$HERE/time_attention.py" --out "$OUT_DIR/attention.csv" || status=1
nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv 2>&1
ls -l "$OUT_DIR"
step "done (status $status)"
exit $status
