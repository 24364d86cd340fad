#pragma once
// A fast non-cryptographic 64-bit hash (four multiply-rotate lanes, final avalanche), several
// GB/s on one core. Used where SHA-256 would cost too much per use: content keys of decoded
// images and checksums of embedding-cache entries. Not for untrusted adversarial input.

#include <cstddef>
#include <cstdint>
#include <string>

namespace sam3::io {

uint64_t fastHash64(const void* data, size_t size, uint64_t seed = 0);

// 128 bits as 32 hex digits (two seeds), for content addressing.
std::string fastHashHex128(const void* data, size_t size);

}  // namespace sam3::io
