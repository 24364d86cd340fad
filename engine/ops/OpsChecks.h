#pragma once
// Argument validation shared by every backend of the sampling ops: one checker per op, called
// first in each host entry point, so every backend reports the same clear c10::Error.

#include <ATen/ATen.h>

namespace sam3::ops {

void checkGridSampleArgs(const at::Tensor& input, const at::Tensor& grid, int64_t mode,
                         int64_t padding);

void checkRoiAlignArgs(const at::Tensor& input, const at::Tensor& rois, double spatialScale,
                       int64_t pooledHeight, int64_t pooledWidth, int64_t samplingRatio);

void checkSamplePointsSeqArgs(const at::Tensor& featsSeq, const at::Tensor& points,
                              int64_t height, int64_t width);

}  // namespace sam3::ops
