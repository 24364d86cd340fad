#include "engine/platform/EngineInit.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <malloc.h>
#include <thread>

#include "engine/ops/OpsRegistry.h"
#include "engine/platform/EngineLog.h"

namespace sam3::platform {

// Inference allocates and frees the same few-megabyte buffers on every call. By default glibc
// serves those with fresh mmaps whose pages fault in again each time - measured 3x slower
// geometry-encoder precompute on this VM, and `segment --everything` at 24 instead of 36
// prompts/s (sys time 6.7 s of 9.7). Serving them from the retained heap avoids that.
void keepLargeAllocationsOnHeap() {
  mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
}

EngineEnvironment initializeEngine() {
  keepLargeAllocationsOnHeap();
  EngineEnvironment env;
  env.torchVersion = TORCH_VERSION;
  // OpenMP may report a single thread inside containers; use every core unless told otherwise.
  if (std::getenv("OMP_NUM_THREADS") == nullptr) {
    at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  }
  env.intraOpThreads = at::get_num_threads();
  env.cudaKernelsBuilt = ops::cudaKernelsBuilt();
  try {
    ops::ensureOpsRegistered();
    env.opsRegistered = true;
  } catch (const std::exception& e) {
    env.opsError = e.what();
    logMessage(LogLevel::Error, env.opsError);
  }
  env.blas = detectBlas();
  env.blasSingleThreaded = useSingleThreadedBlas();
  logMessage(env.blas.isReference ? LogLevel::Warning : LogLevel::Info, blasSummary(env.blas));
  logMessage(LogLevel::Info, "LibTorch " + env.torchVersion + ", " +
                                 std::to_string(env.intraOpThreads) + " intra-op threads, CUDA kernels " +
                                 (env.cudaKernelsBuilt ? "built" : "not built"));
  return env;
}

}  // namespace sam3::platform
