#include "engine/io/FastHash.h"

#include <cstring>

namespace sam3::io {
namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t mixLane(uint64_t acc, uint64_t word) { return rotl(acc + word * kPrime2, 31) * kPrime1; }
inline uint64_t avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}

}  // namespace

uint64_t fastHash64(const void* data, size_t size, uint64_t seed) {
  const auto* p = static_cast<const uint8_t*>(data);
  const uint8_t* const end = p + size;
  uint64_t lanes[4] = {seed + kPrime1 + kPrime2, seed + kPrime2, seed, seed - kPrime1};
  for (; end - p >= 32; p += 32) {
    for (int i = 0; i < 4; ++i) lanes[i] = mixLane(lanes[i], load64(p + 8 * i));
  }
  uint64_t h = rotl(lanes[0], 1) + rotl(lanes[1], 7) + rotl(lanes[2], 12) + rotl(lanes[3], 18);
  for (uint64_t lane : lanes) h = (h ^ mixLane(0, lane)) * kPrime1 + kPrime3;
  h += uint64_t(size);
  for (; end - p >= 8; p += 8) h = rotl(h ^ mixLane(0, load64(p)), 27) * kPrime1 + kPrime3;
  for (; p < end; ++p) h = rotl(h ^ (*p * kPrime3), 11) * kPrime1;
  return avalanche(h);
}

std::string fastHashHex128(const void* data, size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint64_t seed : {uint64_t(0x5a3), uint64_t(0x1d2c)}) {
    const uint64_t h = fastHash64(data, size, seed);
    for (int shift = 60; shift >= 0; shift -= 4) out += digits[(h >> shift) & 15];
  }
  return out;
}

}  // namespace sam3::io
