#!/usr/bin/env bash
# Counts the PTX instructions nvcc emits for one fp32 math function per element
# (expf, erff, logf, a divide, rsqrtf), as the vector kernel model uses them
# (models/compute/vector_kernels.cpp): each function's kernel minus the same kernel
# doing one add. Needs only nvcc (no GPU). Usage: validation/capture/count_math_ptx.sh [sm_90]
set -euo pipefail
arch="${1:-sm_90}"
nvcc="${NVCC:-/usr/local/cuda/bin/nvcc}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cat > "$dir/math.cu" <<'CU'
extern "C" __global__ void k_add(float* x) { int i = threadIdx.x; x[i] = x[i] + 1.0f; }
extern "C" __global__ void k_expf(float* x) { int i = threadIdx.x; x[i] = expf(x[i]); }
extern "C" __global__ void k_erff(float* x) { int i = threadIdx.x; x[i] = erff(x[i]); }
extern "C" __global__ void k_logf(float* x) { int i = threadIdx.x; x[i] = logf(x[i]); }
extern "C" __global__ void k_rsqrtf(float* x) { int i = threadIdx.x; x[i] = rsqrtf(x[i]); }
extern "C" __global__ void k_div(float* x) { int i = threadIdx.x; x[i] = 1.0f / x[i]; }
CU
"$nvcc" -arch="$arch" -ptx -O3 -o "$dir/math.ptx" "$dir/math.cu"
"$nvcc" --version | tail -1
# Instructions are the tab-indented lines inside each .entry body.
awk '/\.entry/ { name = $3; sub(/\(.*/, "", name) } /^\t[a-z@]/ { n[name]++ }
     END { for (k in n) if (k != "k_add") printf "%-9s %d PTX instructions (kernel %d, add kernel %d)\n", substr(k, 3), n[k] - n["k_add"] + 1, n[k], n["k_add"] }' \
  "$dir/math.ptx" | sort
