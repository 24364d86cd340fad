#pragma once
// GrabCut on one region of an image, the classic engine's building block: the region scaled to a
// working size, labels seeded from a prompt's clicks, GrabCut, the parts connected to an include
// click kept, and the result put back at full resolution.

#include <opencv2/core.hpp>
#include <vector>

#include "engine/mask/BinaryMask.h"
#include "engine/prompt/InteractivePrompt.h"

namespace sam3::classic {

// A region of the full image at the working scale.
struct WorkingRegion {
  cv::Rect roi;     // in full-image pixels
  double scale = 1;  // working pixels per image pixel (<= 1)
  cv::Mat image;    // the region, resized, 8-bit BGR

  int width() const { return image.cols; }
  int height() const { return image.rows; }
  cv::Point toWorking(double x, double y) const;
};

// The region scaled so its long side is at most maxSide (never enlarged).
WorkingRegion makeWorkingRegion(const cv::Mat& full, const cv::Rect& roi, int maxSide);
// The same cut from `base`, a copy of the full image's area `baseArea` already scaled by
// `baseScale` (so several regions of a large image share one downscaling).
WorkingRegion makeWorkingRegion(const cv::Mat& base, const cv::Rect& baseArea, double baseScale, const cv::Rect& roi, int maxSide);

// Clicks become definite seeds: the similar-coloured area around each click (a bounded flood
// fill, so one click claims a uniform part) and a small disc.
void seedClicks(cv::Mat& labels, const WorkingRegion& region, const std::vector<prompt::Click>& clicks);

// GrabCut from the labels (GC_* values), with a fixed random seed (reproducible on any thread);
// returns the binary working mask (255 = object), or an
// empty Mat when GrabCut threw (the message in `error`).
cv::Mat runGrabCut(const WorkingRegion& region, cv::Mat& labels, int iterations, std::string& error);

// Keeps the connected parts of `binary` that hold an include click (all parts when keepAll).
void keepSeededParts(cv::Mat& binary, const WorkingRegion& region, const std::vector<prompt::Click>& clicks, bool keepAll);

// The working mask at full resolution: a smooth upsampling thresholded at the middle, so edges
// land between working pixels instead of on a staircase.
mask::BinaryMask toFullMask(const cv::Mat& binary, const WorkingRegion& region, const cv::Size& fullSize);

}  // namespace sam3::classic
