#pragma once
// C++ entry points of the sam3 sampling ops. Each call goes through the dispatcher, so C++ and
// TorchScript graphs run exactly the same kernels (CPU, or CUDA where built).
// Include only from engine/ translation units: this header pulls in ATen.

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "engine/ops/SamplingMath.h"

namespace sam3::ops {

// torch.nn.functional.grid_sample on 4-D input [N,C,H,W] with grid [N,Ho,Wo,2] -> [N,C,Ho,Wo].
at::Tensor gridSample(const at::Tensor& input, const at::Tensor& grid,
                      Interpolation mode = Interpolation::Bilinear,
                      Padding padding = Padding::Zeros, bool alignCorners = false);

// torchvision.ops.roi_align with Tensor[K,5] rois (batch_index, x1, y1, x2, y2).
at::Tensor roiAlign(const at::Tensor& input, const at::Tensor& rois, double spatialScale,
                    int64_t pooledHeight, int64_t pooledWidth, int64_t samplingRatio = -1,
                    bool aligned = false);

// Per-image box lists ([Ki,4] each, x1,y1,x2,y2) like torchvision's Python API; the result rows
// are image-major in list order.
at::Tensor roiAlign(const at::Tensor& input, const std::vector<at::Tensor>& boxesPerImage,
                    double spatialScale, int64_t pooledHeight, int64_t pooledWidth,
                    int64_t samplingRatio = -1, bool aligned = false);

// Bilinear, zero-padded, align_corners=False sampling of sequence-first features [H*W,B,C] at
// normalized points [N,B,2] (x,y in [0,1]) -> [N,B,C]. Equals grid_sample on the permuted map.
at::Tensor samplePointsSeq(const at::Tensor& featsSeq, const at::Tensor& points, int64_t height,
                           int64_t width);

}  // namespace sam3::ops
