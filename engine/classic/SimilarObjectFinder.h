#pragma once
// The classic engine's "find similar": normalized cross-correlation of each positive exemplar
// with the image at a few scales, peaks above the threshold, greedy non-maximum suppression,
// and hits that look more like a negative exemplar than like the positives dropped. Works on
// a downscaled copy (long side <= kWorkingSize) so a 24-megapixel search stays interactive.

#include <opencv2/core.hpp>
#include <vector>

#include "engine/segment/Segmenter.h"

namespace sam3::classic {

struct TemplateHit {
  cv::Rect2d box;  // image pixels
  double score = 0;  // correlation coefficient in [-1, 1]
};

class SimilarObjectFinder {
 public:
  static constexpr int kWorkingSize = 1024;
  static constexpr double kOverlapLimit = 0.3;  // IoU above which the weaker hit is suppressed

  // `image` 8-bit BGR; exemplars as boxes on it and/or as pixel patches (from any image).
  // Returns hits best first; throws std::invalid_argument when no positive exemplar has a
  // usable size.
  std::vector<TemplateHit> find(const cv::Mat& image, const std::vector<segment::Exemplar>& exemplars, double threshold,
                                int maxHits, const segment::CancelToken& cancel = {},
                                const std::vector<segment::ExemplarPatch>& patches = {}) const;
};

double intersectionOverUnion(const cv::Rect2d& a, const cv::Rect2d& b);

}  // namespace sam3::classic
