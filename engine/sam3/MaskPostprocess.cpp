#include "engine/sam3/MaskPostprocess.h"

#include <ATen/Parallel.h>

#include <opencv2/imgproc.hpp>

namespace sam3::model {

at::Tensor fillHoles(const at::Tensor& lowResLogits, double maxHoleArea) {
  at::Tensor out = lowResLogits.to(at::kFloat).contiguous().clone();
  if (maxHoleArea <= 0) return out;
  const int64_t planes = out.size(0) * out.size(1), h = out.size(2), w = out.size(3);
  float* data = out.data_ptr<float>();
  for (int64_t p = 0; p < planes; ++p) {
    float* plane = data + p * h * w;
    const cv::Mat logits(int(h), int(w), CV_32F, plane);
    cv::Mat background = logits <= 0.0f;
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(background, labels, stats, centroids, 8, CV_32S);
    std::vector<uint8_t> isHole(size_t(count), 0);
    bool any = false;
    for (int c = 1; c < count; ++c) {  // label 0 is the foreground (logit > 0)
      isHole[c] = stats.at<int>(c, cv::CC_STAT_AREA) <= maxHoleArea;
      any |= isHole[c] != 0;
    }
    if (!any) continue;
    for (int64_t i = 0; i < h * w; ++i) {
      if (isHole[labels.ptr<int>()[i]]) plane[i] = 10.0f;  // mask_threshold + 10
    }
  }
  return out;
}

at::Tensor upsampleLogits(const at::Tensor& logits, int64_t height, int64_t width) {
  return at::upsample_bilinear2d(logits.to(at::kFloat), {height, width}, false);
}

}  // namespace sam3::model
