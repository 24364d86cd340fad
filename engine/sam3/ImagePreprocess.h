#pragma once
// SAM3's image preprocessing: the whole image squashed to size x size (no letterbox) with
// bilinear antialiased resampling of the 8-bit RGB image exactly as torchvision's uint8 path
// (AntialiasResize.h), then x/255 normalized by mean and std.

#include <ATen/ATen.h>

#include <opencv2/core.hpp>

namespace sam3::model {

// `bgr8` is 8-bit BGR (segment::toBgr8). Returns [1, 3, size, size] float32 RGB.
at::Tensor preprocessImage(const cv::Mat& bgr8, int64_t size, const double (&mean)[3], const double (&std)[3]);

}  // namespace sam3::model
