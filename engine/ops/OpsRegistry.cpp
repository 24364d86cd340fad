// Start-up verification of the op library and the torchvision::roi_align stand-in.

#include "engine/ops/OpsRegistry.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <dlfcn.h>
#include <torch/library.h>

#include <memory>
#include <mutex>
#include <stdexcept>

#include "engine/ops/SamplingOps.h"

namespace sam3::ops {
namespace {

constexpr const char* kOpNames[] = {"sam3::grid_sample", "sam3::roi_align",
                                    "sam3::sample_points_seq"};

std::mutex& registryMutex() {
  static std::mutex mutex;
  return mutex;
}

// Our registration of torchvision::roi_align. Destroying the Library deregisters the op, which
// is how loadTorchvisionOps() makes room for the real one.
std::unique_ptr<torch::Library>& compatLibrary() {
  static std::unique_ptr<torch::Library> library;
  return library;
}

bool opExists(const char* name) {
  return c10::Dispatcher::singleton().findSchema({name, ""}).has_value();
}

at::Tensor torchvisionRoiAlign(const at::Tensor& input, const at::Tensor& rois,
                               double spatialScale, int64_t pooledHeight, int64_t pooledWidth,
                               int64_t samplingRatio, bool aligned) {
  return roiAlign(input, rois, spatialScale, pooledHeight, pooledWidth, samplingRatio, aligned);
}

void installTorchvisionCompatLocked() {
  if (compatLibrary() || opExists("torchvision::roi_align")) return;
  // FRAGMENT, not DEF: the real torchvision defines its namespace with TORCH_LIBRARY.
  auto library = std::make_unique<torch::Library>(torch::Library::FRAGMENT, "torchvision",
                                                  c10::nullopt, __FILE__, __LINE__);
  library->def(
      "roi_align(Tensor input, Tensor rois, float spatial_scale, int pooled_height,"
      " int pooled_width, int sampling_ratio, bool aligned) -> Tensor",
      &torchvisionRoiAlign);
  compatLibrary() = std::move(library);
}

}  // namespace

void ensureOpsRegistered() {
  std::lock_guard<std::mutex> lock(registryMutex());
  std::string missing;
  for (const char* name : kOpNames) {
    if (!opExists(name)) missing += std::string(missing.empty() ? "" : ", ") + name;
  }
  if (!missing.empty()) {
    throw std::runtime_error(
        "The sam3 sampling ops are not registered (" + missing +
        "). The op library was not loaded or was dropped at link time; link libsam3_ops with "
        "--no-as-needed.");
  }
  installTorchvisionCompatLocked();
}

bool torchvisionCompatActive() {
  std::lock_guard<std::mutex> lock(registryMutex());
  return compatLibrary() != nullptr;
}

std::string loadTorchvisionOps(const std::string& libraryPath) {
  std::lock_guard<std::mutex> lock(registryMutex());
  compatLibrary().reset();
  if (dlopen(libraryPath.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
    const char* error = dlerror();
    installTorchvisionCompatLocked();
    return std::string("cannot load torchvision ops from ") + libraryPath + ": " +
           (error ? error : "unknown error");
  }
  if (!opExists("torchvision::roi_align")) {
    installTorchvisionCompatLocked();
    return libraryPath + " loaded but registered no torchvision::roi_align";
  }
  return {};
}

#if !defined(SAM3_WITH_CUDA_OPS)
// Without the CUDA ops; cuda/SamplingCudaOps.cpp defines it with them (the registry never
// includes the cuda folder: the ops folders point one way, backends to the registry).
int cudaComputeCapabilityMajor(int) { return -1; }
#endif

bool cudaKernelsBuilt() {
#if defined(SAM3_WITH_CUDA_OPS)
  return true;
#else
  return false;
#endif
}

}  // namespace sam3::ops
