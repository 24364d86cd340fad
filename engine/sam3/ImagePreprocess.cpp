#include "engine/sam3/ImagePreprocess.h"

#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace sam3::model {

at::Tensor preprocessImage(const cv::Mat& bgr8, int64_t size, const double (&mean)[3], const double (&std)[3]) {
  if (bgr8.empty() || bgr8.type() != CV_8UC3) throw std::invalid_argument("preprocessImage expects an 8-bit BGR image");
  c10::InferenceMode guard;
  cv::Mat rgb;
  cv::cvtColor(bgr8, rgb, cv::COLOR_BGR2RGB);
  const at::Tensor hwc = at::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, at::kByte);
  const at::Tensor chw = hwc.permute({2, 0, 1}).unsqueeze(0).to(at::kFloat).contiguous();
  at::Tensor resized = at::_upsample_bilinear2d_aa(chw, {size, size}, /*align_corners=*/false);
  resized = resized.round_().clamp_(0, 255);  // torchvision resizes uint8 input back to uint8
  const at::Tensor meanT = at::tensor({mean[0], mean[1], mean[2]}, at::kFloat).view({1, 3, 1, 1});
  const at::Tensor stdT = at::tensor({std[0], std[1], std[2]}, at::kFloat).view({1, 3, 1, 1});
  return ((resized / 255.0) - meanT) / stdT;
}

}  // namespace sam3::model
