#pragma once
// Torch-free start-up checks of the sampling op library; safe to include anywhere in engine/.

#include <string>

namespace sam3::ops {

// Throws std::runtime_error naming what is missing when the op library's static registrars did
// not run (e.g. the library was dropped at link time). Also installs the torchvision::roi_align
// compatibility op when no real torchvision is loaded. Idempotent and thread-safe.
void ensureOpsRegistered();

// True when sam3 kernels for CUDA tensors are compiled into this build.
bool cudaKernelsBuilt();
// The compute capability major version of CUDA device `device`, or -1 when this build has no
// CUDA kernels or the device cannot be asked.
int cudaComputeCapabilityMajor(int device);

// Loads torchvision's compiled ops library (e.g. torchvision/_C.so) into this process. Our
// torchvision::roi_align stand-in is withdrawn first so the real one registers without a clash.
// Returns an empty string on success, else the reason.
std::string loadTorchvisionOps(const std::string& libraryPath);

// True when torchvision::roi_align is currently served by our kernel.
bool torchvisionCompatActive();

}  // namespace sam3::ops
