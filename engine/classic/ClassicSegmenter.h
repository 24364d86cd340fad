#pragma once
// The built-in engine: OpenCV GrabCut, no model needed. A box initialises GrabCut; include and
// exclude clicks become definite foreground/background seeds; a mask prompt (painted or
// previous) seeds probable foreground; clicks alone try five object sizes and rank the results
// (ClickScales: up to three candidates). GrabCut runs on
// the region of interest only (the prompt's extent plus a margin), scaled to at most
// kWorkingSize pixels on its long side, and the result is upsampled into the full-resolution
// mask, so a click costs about the same on a thumbnail and on a 24-megapixel photo.
// findSimilar: see SimilarObjectFinder.

#include "engine/segment/EngineOptions.h"
#include "engine/segment/Segmenter.h"

namespace sam3::classic {

class ClassicSegmenter : public segment::Segmenter {
 public:
  // GrabCut works on the region of interest at most this many pixels on its long side.
  static constexpr int kWorkingSize = 320;
  // GrabCut iterations: the labels barely change after the third on prompts of this kind.
  static constexpr int kGrabCutIterations = 3;

  std::string name() const override { return "classic"; }
  segment::Capabilities capabilities() const override { return {false, true, false}; }
  segment::Status setImage(const cv::Mat& image, const std::string& imageKey) override;
  segment::Prediction predict(const prompt::InteractivePrompt& prompt, const segment::CancelToken& cancel = {}) override;
  // Template matching of the exemplars (SimilarObjectFinder), each hit refined by GrabCut from
  // its box. The score is the hit's correlation coefficient.
  segment::FindSimilarResult findSimilar(const segment::FindSimilarRequest& request, const segment::CancelToken& cancel = {}) override;

 private:
  // A box and/or mask prompt (with any clicks as seeds): one GrabCut on the prompt's region.
  segment::Prediction predictFromRegion(const prompt::InteractivePrompt& prompt, const segment::CancelToken& cancel);

  cv::Mat m_full;  // 8-bit BGR at full resolution
  std::string m_key;
};

// The classic engine for `options`, which must name no bundle (`error` says so otherwise): the
// factory's classic branch, and the whole factory where LibTorch stays out (the launcher).
std::unique_ptr<segment::Segmenter> openClassicEngine(const segment::EngineOptions& options, std::string& error);

}  // namespace sam3::classic
