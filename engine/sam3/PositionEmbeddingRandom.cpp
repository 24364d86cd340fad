#include "engine/sam3/PositionEmbeddingRandom.h"

#include <cmath>
#include <stdexcept>

namespace sam3::model {

PositionEmbeddingRandom::PositionEmbeddingRandom(at::Tensor gaussianMatrix) : m_gaussian(gaussianMatrix.to(at::kFloat).contiguous()) {
  if (m_gaussian.dim() != 2 || m_gaussian.size(0) != 2) {
    throw std::invalid_argument("PositionEmbeddingRandom: the Gaussian matrix must be [2, F], got " + c10::str(m_gaussian.sizes()));
  }
}

at::Tensor PositionEmbeddingRandom::encodeUnit(const at::Tensor& unit) const {
  // Same float32 op order as the original: 2u - 1, @ G, * 2*pi.
  const at::Tensor projected = at::matmul(2 * unit - 1, m_gaussian) * (2 * M_PI);
  return at::cat({projected.sin(), projected.cos()}, -1);
}

at::Tensor PositionEmbeddingRandom::grid(int64_t height, int64_t width) const {
  const at::Tensor ones = at::ones({height, width}, at::kFloat);
  const at::Tensor y = (ones.cumsum(0) - 0.5) / height;
  const at::Tensor x = (ones.cumsum(1) - 0.5) / width;
  return encodeUnit(at::stack({x, y}, -1)).permute({2, 0, 1}).contiguous();
}

at::Tensor PositionEmbeddingRandom::encodeCoords(const at::Tensor& coords, int64_t height, int64_t width) const {
  at::Tensor unit = coords.to(at::kFloat).clone();
  unit.select(-1, 0).div_(width);
  unit.select(-1, 1).div_(height);
  return encodeUnit(unit);
}

}  // namespace sam3::model
