#pragma once
// SAM3's sine position encoding (PositionEmbeddingSine, normalize=True, scale=2*pi): image maps
// of any size, and the per-coordinate codes used for point and box prompts.

#include <ATen/ATen.h>

namespace sam3::model {

class PositionEmbeddingSine {
 public:
  // `numPosFeats` is the total channel count (the constructor argument, e.g. 256); each axis
  // gets half of it.
  explicit PositionEmbeddingSine(int64_t numPosFeats = 256, double temperature = 10000.0);

  int64_t channels() const { return 2 * m_featsPerAxis; }

  // [1, C, H, W]: channels [0, C/2) encode y, [C/2, C) encode x, 1-based positions / (size + 1e-6).
  at::Tensor imageEncoding(int64_t height, int64_t width) const;

  // Code of each value of `v` ([...] in [0,1]): [..., C/2], sin/cos interleaved per frequency.
  at::Tensor encode1d(const at::Tensor& v) const;
  // Points [..., 2] (x, y) -> cat(S(x), S(y)) [..., C].
  at::Tensor encodePoints(const at::Tensor& xy) const;
  // Boxes [..., 4] (cx, cy, w, h) -> cat(S(cy), S(cx), h, w) [..., C + 2] (y first, as SAM3).
  at::Tensor encodeBoxes(const at::Tensor& cxcywh) const;

 private:
  at::Tensor interleave(const at::Tensor& scaled) const;  // [..., F] angles -> sin/cos code

  int64_t m_featsPerAxis;
  at::Tensor m_dimT;  // [C/2] float32: temperature^(2*floor(i/2)/(C/2))
};

}  // namespace sam3::model
