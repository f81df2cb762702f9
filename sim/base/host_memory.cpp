#include "sim/base/host_memory.h"

#include <unistd.h>

namespace suanli {

double host_physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_bytes = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_bytes > 0 ? static_cast<double>(pages) * page_bytes : 0;
}

}  // namespace suanli
