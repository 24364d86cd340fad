#pragma once
// SHA-256 (FIPS 180-4), incremental. Used to verify model-bundle files against their manifest
// and to address the on-disk embedding cache by content. Torch- and Qt-free.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sam3::io {

// Bytes as lowercase hex digits, two per byte (no hashing: see Sha256::hexOf for that).
std::string toHex(const void* data, size_t size);

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(const std::string& bytes) { update(bytes.data(), bytes.size()); }
  // Finishes the hash; the object must not be updated afterwards.
  std::array<uint8_t, 32> digest();
  std::string hexDigest();  // 64 lowercase hex digits

  // The SHA-256 of `size` bytes, as 64 lowercase hex digits.
  static std::string hexOf(const void* data, size_t size);
  static std::string hexOf(const std::string& bytes) { return hexOf(bytes.data(), bytes.size()); }
  // Hash of a whole file, read in chunks. Throws std::runtime_error naming the path.
  static std::string hexOfFile(const std::string& path);

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> m_state;
  std::array<uint8_t, 64> m_buffer{};
  size_t m_buffered = 0;
  uint64_t m_length = 0;  // bytes hashed so far
};

}  // namespace sam3::io
