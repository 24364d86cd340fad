#include "engine/platform/BlasInfo.h"

#include <dlfcn.h>
#include <link.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace sam3::platform {
namespace {

int collectBlas(dl_phdr_info* info, size_t, void* data) {
  const char* name = info->dlpi_name;
  if (name && std::strstr(name, "libblas.so")) {
    *static_cast<std::string*>(data) = name;
    return 1;
  }
  return 0;
}

}  // namespace

BlasInfo detectBlas() {
  BlasInfo info;
  std::string loaded;
  dl_iterate_phdr(&collectBlas, &loaded);
  if (loaded.empty()) {
    info.name = "unknown";
    return info;
  }
  char resolved[PATH_MAX];
  info.path = realpath(loaded.c_str(), resolved) ? std::string(resolved) : loaded;
  if (info.path.find("openblas") != std::string::npos) {
    info.name = "OpenBLAS";
  } else if (info.path.find("blis") != std::string::npos) {
    info.name = "BLIS";
  } else if (info.path.find("mkl") != std::string::npos) {
    info.name = "Intel MKL";
  } else if (info.path.find("/blas/") != std::string::npos) {
    info.name = "reference BLAS";
    info.isReference = true;
  } else {
    info.name = "unknown";
  }
  return info;
}

static int collectBlasLibraries(dl_phdr_info* info, size_t, void* data) {
  const char* name = info->dlpi_name;
  if (name && (std::strstr(name, "blas") || std::strstr(name, "BLAS"))) {
    static_cast<std::vector<std::string>*>(data)->push_back(name);
  }
  return 0;
}

bool useSingleThreadedBlas() {
  // Debian's LibTorch loads OpenBLAS twice (libblas.so.3 and libopenblas.so.0 are separate
  // copies), so every loaded copy gets the setting, not just the first one dlsym finds.
  using SetThreads = void (*)(int);
  std::vector<std::string> libraries;
  dl_iterate_phdr(&collectBlasLibraries, &libraries);
  bool any = false;
  for (const std::string& library : libraries) {
    void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle) continue;
    if (auto setThreads = reinterpret_cast<SetThreads>(dlsym(handle, "openblas_set_num_threads"))) {
      setThreads(1);
      any = true;
    }
    dlclose(handle);
  }
  return any;
}

std::string blasSummary(const BlasInfo& info) {
  if (info.path.empty()) return "BLAS: no libblas loaded";
  std::string line = "BLAS: " + info.name + " (" + info.path + ")";
  if (info.isReference) {
    line += " - the slow reference BLAS; install libopenblas0-pthread for ~30x faster "
            "matrix products";
  }
  return line;
}

}  // namespace sam3::platform
