#include "engine/prompt/InteractivePrompt.h"

#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

namespace sam3::prompt {

std::vector<float> paintedMaskToLogits(const std::vector<uint8_t>& mask, int height, int width) {
  if (height <= 0 || width <= 0 || mask.size() != size_t(height) * size_t(width)) {
    throw std::invalid_argument("painted mask of " + std::to_string(mask.size()) + " pixels does not match " +
                                std::to_string(height) + "x" + std::to_string(width));
  }
  cv::Mat source(height, width, CV_8U, const_cast<uint8_t*>(mask.data()));
  cv::Mat coverage;
  source.convertTo(coverage, CV_32F, 1.0);
  cv::Mat small;
  cv::resize(coverage, small, cv::Size(kMaskPromptSize, kMaskPromptSize), 0, 0, cv::INTER_AREA);
  std::vector<float> logits(size_t(kMaskPromptSize) * kMaskPromptSize);
  for (int y = 0; y < kMaskPromptSize; ++y)
    for (int x = 0; x < kMaskPromptSize; ++x) logits[size_t(y) * kMaskPromptSize + x] = 20.0f * small.at<float>(y, x) - 10.0f;
  return logits;
}

}  // namespace sam3::prompt
