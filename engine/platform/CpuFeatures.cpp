#include "engine/platform/CpuFeatures.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace sam3::platform {
namespace {

#if defined(__x86_64__) || defined(__i386__)
struct Registers {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

Registers cpuid(unsigned leaf, unsigned subleaf) {
  Registers r;
  if (!__get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx)) return {};
  return r;
}

uint64_t xcr0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

bool bit(unsigned value, int n) { return (value >> n) & 1u; }

CpuFeatures read() {
  CpuFeatures f;
  const unsigned maxLeaf = cpuid(0, 0).eax;
  const Registers l1 = cpuid(1, 0);
  // The OS must save a register file for its instructions to be usable: XCR0 says which
  // (bits 1-2 SSE/AVX, 5-7 AVX-512, 17-18 AMX tiles; Linux grants AMX on first request).
  const bool osxsave = bit(l1.ecx, 27);
  const uint64_t xcr = osxsave ? xcr0() : 0;
  const bool osAvx = (xcr & 0x6) == 0x6, osAvx512 = (xcr & 0xe6) == 0xe6, osAmx = (xcr & 0x60000) == 0x60000;
  if (maxLeaf >= 7) {
    const Registers l7 = cpuid(7, 0), l71 = cpuid(7, 1);
    f.avx2 = osAvx && bit(l7.ebx, 5);
    f.avx512 = osAvx512 && bit(l7.ebx, 16);
    f.avx512Bf16 = f.avx512 && bit(l71.eax, 5);
    f.amxBf16 = osAmx && bit(l7.edx, 22);
  }
  char brand[49] = {};
  if (cpuid(0x80000000u, 0).eax >= 0x80000004u) {
    for (unsigned i = 0; i < 3; ++i) {
      const Registers r = cpuid(0x80000002u + i, 0);
      std::memcpy(brand + 16 * i, &r, 16);
    }
  }
  f.model = brand;
  f.model.erase(0, f.model.find_first_not_of(' '));
  return f;
}
#else
CpuFeatures read() { return {}; }  // bf16 on other architectures: not detected, float32 chosen
#endif

}  // namespace

std::string CpuFeatures::bf16Unit() const { return amxBf16 ? "AMX" : avx512Bf16 ? "AVX512-BF16" : ""; }

const CpuFeatures& cpuFeatures() {
  static const CpuFeatures features = read();
  return features;
}

}  // namespace sam3::platform
