#pragma once
// Post-processing of low-resolution mask logits as SAM3's interactive predictor does it:
// fill background holes (8-connected components of logit <= 0 with area <= maxHoleArea, border
// pockets included) with logit 10, upsample bilinearly (align_corners=False) to the image size,
// threshold at 0.

#include <ATen/ATen.h>

namespace sam3::model {

constexpr double kMaxHoleArea = 256.0;

at::Tensor fillHoles(const at::Tensor& lowResLogits, double maxHoleArea = kMaxHoleArea);  // [B,M,h,w]
at::Tensor upsampleLogits(const at::Tensor& logits, int64_t height, int64_t width);       // -> [B,M,H,W]
// upsampleLogits(...) > 0 in one pass, without materializing the full-resolution logits.
at::Tensor upsampleToMask(const at::Tensor& logits, int64_t height, int64_t width);       // -> [B,M,H,W] bool

}  // namespace sam3::model
