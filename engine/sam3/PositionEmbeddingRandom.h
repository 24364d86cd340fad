#pragma once
// SAM's random-Fourier position encoding (PositionEmbeddingRandom): a fixed Gaussian matrix
// G [2, F] maps normalized (x, y) to [sin(2*pi*(2u-1)G), cos(...)] (2F values, sines first).

#include <ATen/ATen.h>

namespace sam3::model {

class PositionEmbeddingRandom {
 public:
  explicit PositionEmbeddingRandom(at::Tensor gaussianMatrix);  // [2, F], row 0 multiplies x

  // Dense code of an H x W grid at cell centres ((j+0.5)/W, (i+0.5)/H): [2F, H, W].
  at::Tensor grid(int64_t height, int64_t width) const;
  // Codes of pixel coordinates [B, N, 2] (x, y) in an image of `height` x `width`: [B, N, 2F].
  at::Tensor encodeCoords(const at::Tensor& coords, int64_t height, int64_t width) const;

 private:
  at::Tensor encodeUnit(const at::Tensor& unit) const;  // [..., 2] in [0,1] -> [..., 2F]
  at::Tensor m_gaussian;
};

}  // namespace sam3::model
