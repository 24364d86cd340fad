#pragma once
// Which precision runs the bundle's heavy graphs (backbone, grounding head, text encoder):
// bfloat16 where the hardware does it natively (a CPU with AMX-BF16 or AVX512-BF16, read from
// CPUID; a CUDA GPU of compute capability 8.0 or later) and the bundle has bf16 graphs, else
// float32; or what the user asked. The native prompt side stays float32 either way.

#include <c10/core/Device.h>

#include <string>

namespace sam3::model {

enum class PrecisionPreference { Auto, Float32, BFloat16 };

struct PrecisionChoice {
  bool bf16 = false;
  std::string description;  // "bf16 (AMX)", "bf16 (GPU)", "bf16 (emulated)", "fp32"
  std::string reason;       // why: a warning (emulated bf16) or why auto chose fp32; "" when plain
};

// `bundleHasBf16`: the manifest lists bf16 graphs. Throws bundle::BundleError when bf16 is asked of a
// bundle without them (the message names the re-export command).
PrecisionChoice choosePrecision(PrecisionPreference preference, c10::Device device, bool bundleHasBf16);
// Whether `device` does bf16 matrix products in hardware, and with what ("AMX", "GPU", "").
std::string nativeBf16Unit(c10::Device device);
// "auto", "fp32" (or "float32"), "bf16" (or "bfloat16"); throws std::invalid_argument otherwise.
PrecisionPreference parsePrecisionPreference(const std::string& text);

}  // namespace sam3::model
