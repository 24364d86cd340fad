#pragma once
// Which device runs the model's TorchScript graphs: the user's preference resolved against
// what this LibTorch and machine offer. A missing GPU is not an error: it falls back to the
// CPU and says why (for the status bar).

#include <c10/core/Device.h>

#include <string>

namespace sam3::model {

enum class DevicePreference { Auto, Cpu, Cuda };

struct DeviceChoice {
  c10::Device device = c10::kCPU;
  std::string description;  // "CPU" or "CUDA 0"
  std::string reason;       // why this device; non-empty when the preference could not be met
};

DeviceChoice chooseDevice(DevicePreference preference);
// The preference as asked, without looking for a GPU (tests of the fallback when a GPU fails).
DeviceChoice unprobedDevice(DevicePreference preference);
// "auto", "cpu", "cuda" (case-insensitive); throws std::invalid_argument for anything else.
DevicePreference parseDevicePreference(const std::string& text);

}  // namespace sam3::model
