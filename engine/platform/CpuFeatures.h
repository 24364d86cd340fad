#pragma once
// What this CPU can do natively for bfloat16 (AVX512-BF16, AMX-BF16, with the OS saving the
// registers), read from CPUID at run time: the precision choice must not assume it.

#include <string>

namespace sam3::platform {

struct CpuFeatures {
  std::string model;       // the brand string, e.g. "Intel(R) Xeon(R) Platinum 8480+"
  bool avx2 = false;
  bool avx512 = false;     // AVX-512 F with the OS saving its registers
  bool avx512Bf16 = false;
  bool amxBf16 = false;    // AMX-BF16 with the OS saving the tile state
  // bf16 matrix products in hardware (oneDNN uses AMX, else AVX512-BF16); without either,
  // LibTorch emulates bf16 and it is slower than float32.
  bool nativeBf16() const { return amxBf16 || avx512Bf16; }
  std::string bf16Unit() const;  // "AMX", "AVX512-BF16" or ""
};

const CpuFeatures& cpuFeatures();  // read once

}  // namespace sam3::platform
