// `suanli sweep SWEEP.yaml`: sweeps run in Python (process pools, Dask), so this hands
// over to `python3 -m suanli sweep` with the package of this build on its path.
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "sim/base/error.h"
#include "sim/cli/commands.h"

#ifndef SUANLI_PYTHON
#define SUANLI_PYTHON "/usr/bin/python3"
#endif
#ifndef SUANLI_PYTHON_PATH
#define SUANLI_PYTHON_PATH ""
#endif

namespace suanli::cli {

int sweep_command(const std::vector<std::string>& args) {
  std::string path = SUANLI_PYTHON_PATH;
  if (const char* given = std::getenv("PYTHONPATH"); given && *given) path += std::string(":") + given;
  setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<std::string> words = {SUANLI_PYTHON, "-m", "suanli", "sweep"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  execv(SUANLI_PYTHON, argv.data());
  throw InputError(SUANLI_PYTHON, "", "cannot start Python for the sweep (suanli sweep runs python3 -m suanli)");
}

}  // namespace suanli::cli
