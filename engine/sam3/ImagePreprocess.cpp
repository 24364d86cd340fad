#include "engine/sam3/ImagePreprocess.h"

#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "engine/sam3/AntialiasResize.h"

namespace sam3::model {

at::Tensor preprocessImage(const cv::Mat& bgr8, int64_t size, const double (&mean)[3], const double (&std)[3]) {
  if (bgr8.empty() || bgr8.type() != CV_8UC3) throw std::invalid_argument("preprocessImage expects an 8-bit BGR image");
  c10::InferenceMode guard;
  cv::Mat rgb;
  cv::cvtColor(bgr8, rgb, cv::COLOR_BGR2RGB);
  std::vector<uint8_t> resized = resizeAntialiasU8(rgb.data, rgb.rows, rgb.cols, 3, int(size), int(size));  // cvtColor's output is continuous
  const at::Tensor hwc = at::from_blob(resized.data(), {size, size, 3}, at::kByte);
  const at::Tensor chw = hwc.permute({2, 0, 1}).unsqueeze(0).to(at::kFloat).contiguous();
  const at::Tensor meanT = at::tensor({mean[0], mean[1], mean[2]}, at::kFloat).view({1, 3, 1, 1});
  const at::Tensor stdT = at::tensor({std[0], std[1], std[2]}, at::kFloat).view({1, 3, 1, 1});
  return ((chw / 255.0) - meanT) / stdT;
}

}  // namespace sam3::model
