#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing, builds,
# and then runs the default example, every test, or the benchmark.
#
#   scripts/dev.sh example   # install, build, run examples/default.yaml
#   scripts/dev.sh test      # install, build, run every test (ctest)
#   scripts/dev.sh bench     # install, build, print the simulator's event rate
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${SUANLI_BUILD_DIR:-$ROOT/build}"
JOBS="$(nproc 2>/dev/null || echo 2)"

# Debian packages the build needs; each line: package, then why.
PACKAGES=(
  build-essential      # compiler
  cmake                # build
  pkg-config           # finds SystemC
  libsystemc-dev       # simulation kernel
  libboost-graph-dev   # topologies
  libprotobuf-dev      # workload format
  protobuf-compiler    # workload format
  libhdf5-dev          # results.h5
  libyaml-cpp-dev      # configs and presets
  nlohmann-json3-dev   # PyTorch profiler (Kineto) traces
  zlib1g-dev           # .json.gz traces
  catch2               # C++ tests
  pybind11-dev         # Python module
  python3-dev          # Python module
  python3-numpy        # Python package
  python3-h5py         # reading results.h5 from Python
  python3-pandas       # results as DataFrames
  python3-matplotlib   # plots
  python3-tqdm         # sweep progress bar
  python3-yaml         # suanli sweep SWEEP.yaml
  python3-distributed  # sweeps across machines (Dask)
  python3-pytest       # Python tests
  python3-nbconvert    # notebooks run headless
  python3-nbformat     # notebooks
  python3-ipykernel    # notebooks' kernel
  jupyter-nbconvert    # notebooks run headless
)

install_missing() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  echo "== installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  echo "== building in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j "$JOBS"
  install_python_path
}

# `import suanli` in Debian's /usr/bin/python3: a .pth file in the user's site
# packages names this checkout's package and this build's module.
install_python_path() {
  local site
  site="$(/usr/bin/python3 -m site --user-site)"
  mkdir -p "$site"
  printf '%s\n%s\n' "$ROOT/python" "$BUILD/python" > "$site/suanli.pth"
}

case "${1:-}" in
  example)
    install_missing
    build
    echo "== running examples/default.yaml"
    "$BUILD/bin/suanli" run "$ROOT/examples/default.yaml" --out "$ROOT/out/default"
    ;;
  test)
    install_missing
    build
    echo "== running tests"
    ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"
    ;;
  bench)
    install_missing
    build
    "$BUILD/bin/bench_events" "${@:2}"
    ;;
  *)
    echo "usage: scripts/dev.sh example|test|bench" >&2
    exit 2
    ;;
esac
