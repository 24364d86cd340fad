#include "engine/sam3/PositionEmbeddingSine.h"

#include <cmath>
#include <stdexcept>

namespace sam3::model {
namespace {
constexpr double kScale = 2.0 * M_PI;
constexpr double kEps = 1e-6;
}  // namespace

PositionEmbeddingSine::PositionEmbeddingSine(int64_t numPosFeats, double temperature)
    : m_featsPerAxis(numPosFeats / 2) {
  if (numPosFeats <= 0 || numPosFeats % 2 != 0) {
    throw std::invalid_argument("PositionEmbeddingSine: num_pos_feats must be positive and even, got " +
                                std::to_string(numPosFeats));
  }
  // Same float32 tensor arithmetic as the original, so codes agree bit for bit.
  const at::Tensor i = at::arange(m_featsPerAxis, at::kFloat);
  m_dimT = at::pow(temperature, 2 * at::div(i, 2, "floor") / m_featsPerAxis);
}

at::Tensor PositionEmbeddingSine::interleave(const at::Tensor& angles) const {
  const at::Tensor sines = angles.slice(-1, 0, c10::nullopt, 2).sin();
  const at::Tensor cosines = angles.slice(-1, 1, c10::nullopt, 2).cos();
  return at::stack({sines, cosines}, -1).flatten(-2);
}

at::Tensor PositionEmbeddingSine::encode1d(const at::Tensor& v) const {
  return interleave((v.to(at::kFloat) * kScale).unsqueeze(-1) / m_dimT.to(v.device()));
}

at::Tensor PositionEmbeddingSine::encodePoints(const at::Tensor& xy) const {
  return at::cat({encode1d(xy.select(-1, 0)), encode1d(xy.select(-1, 1))}, -1);
}

at::Tensor PositionEmbeddingSine::encodeBoxes(const at::Tensor& cxcywh) const {
  const at::Tensor b = cxcywh.to(at::kFloat);
  return at::cat({encode1d(b.select(-1, 1)), encode1d(b.select(-1, 0)), b.narrow(-1, 3, 1), b.narrow(-1, 2, 1)}, -1);
}

at::Tensor PositionEmbeddingSine::imageEncoding(int64_t height, int64_t width) const {
  const at::Tensor ones = at::ones({1, height, width}, at::kFloat);
  at::Tensor y = ones.cumsum(1, at::kFloat);
  at::Tensor x = ones.cumsum(2, at::kFloat);
  y = y / (y.slice(1, height - 1, height) + kEps) * kScale;
  x = x / (x.slice(2, width - 1, width) + kEps) * kScale;
  const at::Tensor posX = interleave(x.unsqueeze(-1) / m_dimT);  // [1,H,W,C/2]
  const at::Tensor posY = interleave(y.unsqueeze(-1) / m_dimT);
  return at::cat({posY, posX}, 3).permute({0, 3, 1, 2}).contiguous();
}

}  // namespace sam3::model
