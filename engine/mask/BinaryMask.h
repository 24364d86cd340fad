#pragma once
// A binary mask: height x width bytes, row-major, each 0 or 1. The value type of every mask
// the engine produces and the annotation model stores (as RLE). Qt- and torch-free.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sam3::mask {

class BinaryMask {
 public:
  BinaryMask() = default;
  // All zeros. Negative sizes are clamped to 0.
  BinaryMask(int height, int width);
  // Takes row-major bytes; any non-zero byte counts as 1. Throws std::invalid_argument when the
  // size does not match.
  BinaryMask(int height, int width, std::vector<uint8_t> pixels);

  int height() const { return m_height; }
  int width() const { return m_width; }
  bool empty() const { return m_height == 0 || m_width == 0; }
  int64_t pixelCount() const { return int64_t(m_height) * m_width; }

  uint8_t at(int y, int x) const { return m_pixels[size_t(y) * m_width + x]; }
  void set(int y, int x, bool on) { m_pixels[size_t(y) * m_width + x] = on ? 1 : 0; }
  const uint8_t* data() const { return m_pixels.data(); }
  uint8_t* data() { return m_pixels.data(); }

  int64_t area() const;  // number of foreground pixels

  bool operator==(const BinaryMask& other) const {
    return m_height == other.m_height && m_width == other.m_width && m_pixels == other.m_pixels;
  }
  bool operator!=(const BinaryMask& other) const { return !(*this == other); }

 private:
  int m_height = 0;
  int m_width = 0;
  std::vector<uint8_t> m_pixels;
};

}  // namespace sam3::mask
