#pragma once
// Which BLAS the process's libblas.so.3 resolves to. Debian's LibTorch does its matrix products
// through it, and the reference implementation is ~30x slower than OpenBLAS.

#include <string>

namespace sam3::platform {

struct BlasInfo {
  std::string name;      // "OpenBLAS", "BLIS", "Intel MKL", "reference BLAS", or "unknown"
  std::string path;      // resolved file of the loaded libblas, empty when none is loaded
  bool isReference = false;
};

BlasInfo detectBlas();

// OpenBLAS's own thread pool competes with LibTorch's spinning OpenMP threads for the same
// cores (measured: a 5184x256x256 addmm takes 2x longer). Keeping OpenBLAS single-threaded and
// parallelizing across OpenMP tasks instead avoids that. Returns true when OpenBLAS was found
// and set; a no-op for other BLAS libraries.
bool useSingleThreadedBlas();

// One line for the log: the BLAS in use and, for the reference one, how to fix it.
std::string blasSummary(const BlasInfo& info);

}  // namespace sam3::platform
