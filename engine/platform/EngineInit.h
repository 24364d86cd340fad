#pragma once
// One-time engine start-up: verifies the sampling ops are registered and reports the numeric
// environment (LibTorch version, BLAS, threads). Torch-free header, safe for ui/ and app/.

#include <string>

#include "engine/platform/BlasInfo.h"

namespace sam3::platform {

struct EngineEnvironment {
  bool opsRegistered = false;
  std::string opsError;  // user-facing reason when opsRegistered is false
  std::string torchVersion;
  int intraOpThreads = 1;
  bool cudaKernelsBuilt = false;
  bool blasSingleThreaded = false;  // OpenBLAS pinned to one thread; ops parallelize themselves
  BlasInfo blas;
};

// Serves inference's large, short-lived buffers from the retained heap instead of fresh mmaps
// (glibc). initializeEngine() does it; headless commands that skip the rest call it alone.
void keepLargeAllocationsOnHeap();

// Never throws; logs a summary through the engine log sink (warning for the reference BLAS).
EngineEnvironment initializeEngine();

}  // namespace sam3::platform
