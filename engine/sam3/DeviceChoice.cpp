#include "engine/sam3/DeviceChoice.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>

#include <algorithm>
#include <stdexcept>

namespace sam3::model {

DeviceChoice chooseDevice(DevicePreference preference) {
  DeviceChoice choice{c10::kCPU, "CPU", ""};
  if (preference == DevicePreference::Cpu) return choice;
  // The CUDA backend is registered when this LibTorch has CUDA (libtorch_cuda loaded), also on
  // a machine without a GPU or driver, where at::hasCUDA() is false.
  const bool built = c10::impl::hasDeviceGuardImpl(c10::DeviceType::CUDA);
  const int devices = built && at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0;
  if (devices > 0) {
    choice.device = c10::Device(c10::kCUDA, 0);
    choice.description = "CUDA 0";
    return choice;
  }
  if (preference == DevicePreference::Cuda) {
    choice.reason = built ? "CUDA was requested but no CUDA device was found (no GPU, or no driver); running on the CPU"
                          : "CUDA was requested but this build's LibTorch has no CUDA support; running on the CPU";
  }
  return choice;
}

DeviceChoice unprobedDevice(DevicePreference preference) {
  if (preference == DevicePreference::Cuda) return {c10::Device(c10::kCUDA, 0), "CUDA 0", ""};
  return {c10::kCPU, "CPU", ""};
}

DevicePreference parseDevicePreference(const std::string& text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (lower == "auto") return DevicePreference::Auto;
  if (lower == "cpu") return DevicePreference::Cpu;
  if (lower == "cuda" || lower == "gpu") return DevicePreference::Cuda;
  throw std::invalid_argument("unknown device '" + text + "' (use auto, cpu or cuda)");
}

}  // namespace sam3::model
