#include "engine/mask/BinaryMask.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace sam3::mask {

BinaryMask::BinaryMask(int height, int width)
    : m_height(std::max(height, 0)), m_width(std::max(width, 0)), m_pixels(size_t(m_height) * m_width, 0) {}

BinaryMask::BinaryMask(int height, int width, std::vector<uint8_t> pixels)
    : m_height(height), m_width(width), m_pixels(std::move(pixels)) {
  if (height < 0 || width < 0 || m_pixels.size() != size_t(height) * size_t(width)) {
    throw std::invalid_argument("BinaryMask: " + std::to_string(m_pixels.size()) + " pixels do not fill " +
                                std::to_string(height) + "x" + std::to_string(width));
  }
  for (uint8_t& p : m_pixels) p = p ? 1 : 0;
}

int64_t BinaryMask::area() const {
  return std::accumulate(m_pixels.begin(), m_pixels.end(), int64_t(0));
}

}  // namespace sam3::mask
