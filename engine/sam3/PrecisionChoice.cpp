#include "engine/sam3/PrecisionChoice.h"

#include <torch/version.h>

#include <algorithm>
#include <stdexcept>

#include "engine/ops/OpsRegistry.h"
#include "engine/bundle/BundleManifest.h"
#include "engine/platform/CpuFeatures.h"

namespace sam3::model {

std::string nativeBf16Unit(c10::Device device) {
  if (device.is_cuda()) {
    // Ampere and later (compute capability 8.0+) have bf16 tensor cores.
    return ops::cudaComputeCapabilityMajor(device.index() < 0 ? 0 : device.index()) >= 8 ? "GPU" : "";
  }
  return platform::cpuFeatures().bf16Unit();
}

PrecisionChoice choosePrecision(PrecisionPreference preference, c10::Device device, bool bundleHasBf16) {
  const std::string unit = nativeBf16Unit(device);
#if TORCH_VERSION_MAJOR < 2
  // Debian's LibTorch 1.13 build runs the fp32 graphs of 1.13 bundles only (bf16 graphs need 2.x).
  if (preference == PrecisionPreference::BFloat16) {
    throw bundle::BundleError("bf16 needs the LibTorch 2.x build of SAM3 Annotate (tools/run_sam3.sh builds it and exports for it); "
                      "this one (Debian's LibTorch 1.13) runs fp32");
  }
  (void)bundleHasBf16;
  return {false, "fp32", unit.empty() ? "" : "the fast build (tools/run_sam3.sh) would run bf16 on this CPU's " + unit};
#endif
  const std::string where = device.is_cuda() ? "this GPU (before compute capability 8.0)" : "this CPU (no AMX or AVX512-BF16)";
  switch (preference) {
    case PrecisionPreference::Float32:
      return {false, "fp32", ""};
    case PrecisionPreference::BFloat16:
      if (!bundleHasBf16) {
        throw bundle::BundleError("this bundle has no bfloat16 graphs (exported before they existed, or for LibTorch 1.13): re-export it "
                          "with tools/export_sam3_bundle.py --target-libtorch 2.x, which writes both precisions");
      }
      if (unit.empty()) return {true, "bf16 (emulated)", "bf16 is emulated on " + where + " and slower than fp32"};
      return {true, "bf16 (" + unit + ")", ""};
    case PrecisionPreference::Auto:
      break;
  }
  if (unit.empty()) return {false, "fp32", ""};  // bf16 would be emulated: slower
  if (!bundleHasBf16) return {false, "fp32", "this bundle has no bf16 graphs; re-export it for " + unit + " speed"};
  return {true, "bf16 (" + unit + ")", ""};
}

PrecisionPreference parsePrecisionPreference(const std::string& text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (lower == "auto") return PrecisionPreference::Auto;
  if (lower == "fp32" || lower == "float32") return PrecisionPreference::Float32;
  if (lower == "bf16" || lower == "bfloat16") return PrecisionPreference::BFloat16;
  throw std::invalid_argument("unknown precision '" + text + "' (use auto, fp32 or bf16)");
}

}  // namespace sam3::model
