#pragma once
// The built-in engine: OpenCV GrabCut, no model needed. A box initialises GrabCut; include and
// exclude clicks become definite foreground/background seeds (radius scaled to the image);
// a mask prompt (painted or previous) seeds probable foreground; clicks alone grow a region
// around them. Large images are segmented on a downscaled copy and the mask is upsampled with
// the original image's edges in mind.

#include "engine/segment/Segmenter.h"

namespace sam3::segment {

class ClassicSegmenter : public Segmenter {
 public:
  // Images are processed at most this many pixels on the long side.
  static constexpr int kWorkingSize = 1024;

  std::string name() const override { return "classic"; }
  Capabilities capabilities() const override { return {}; }
  std::string setImage(const cv::Mat& image, const std::string& imageKey) override;
  Prediction predict(const prompt::InteractivePrompt& prompt, const CancelFlag& cancel = {}) override;

 private:
  cv::Mat m_full;     // 8-bit BGR at full resolution
  cv::Mat m_working;  // downscaled copy the algorithm runs on
  double m_scale = 1.0;  // working / full
  std::string m_key;
};

}  // namespace sam3::segment
