#include "engine/classic/GrabCutRegion.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sam3::classic {

cv::Point WorkingRegion::toWorking(double x, double y) const {
  return cv::Point(std::clamp(int((x - roi.x) * scale), 0, width() - 1), std::clamp(int((y - roi.y) * scale), 0, height() - 1));
}

WorkingRegion makeWorkingRegion(const cv::Mat& full, const cv::Rect& roi, int maxSide) {
  return makeWorkingRegion(full, cv::Rect(0, 0, full.cols, full.rows), 1.0, roi, maxSide);
}

WorkingRegion makeWorkingRegion(const cv::Mat& base, const cv::Rect& baseArea, double baseScale, const cv::Rect& roi, int maxSide) {
  WorkingRegion region;
  region.roi = roi;
  // The roi in base pixels (rounded outwards, clamped), then scaled to the working size.
  const cv::Rect inBase = cv::Rect(cv::Point(int((roi.x - baseArea.x) * baseScale), int((roi.y - baseArea.y) * baseScale)),
                                   cv::Point(int(std::ceil((roi.br().x - baseArea.x) * baseScale)),
                                             int(std::ceil((roi.br().y - baseArea.y) * baseScale)))) &
                          cv::Rect(0, 0, base.cols, base.rows);
  const double extra = std::min(1.0, double(maxSide) / std::max(inBase.width, inBase.height));
  const cv::Size size(std::max(1, int(std::lround(inBase.width * extra))), std::max(1, int(std::lround(inBase.height * extra))));
  cv::resize(base(inBase), region.image, size, 0, 0, extra < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  region.scale = double(size.width) / roi.width;
  return region;
}

void seedClicks(cv::Mat& labels, const WorkingRegion& region, const std::vector<prompt::Click>& clicks) {
  const int w = region.width(), h = region.height();
  const int seed = std::max(2, std::max(w, h) / 100);
  for (const prompt::Click& c : clicks) {
    const cv::Point at = region.toWorking(c.x, c.y);
    const uchar value = c.positive ? cv::GC_FGD : cv::GC_BGD;
    cv::Mat area(h + 2, w + 2, CV_8U, cv::Scalar(0));
    const cv::Scalar tolerance(12, 12, 12);
    const int filled = cv::floodFill(region.image, area, at, cv::Scalar(), nullptr, tolerance, tolerance,
                                     4 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
    if (filled < w * h / 4) labels.setTo(value, area(cv::Rect(1, 1, w, h)));  // a leak would claim everything
    cv::circle(labels, at, seed, value, cv::FILLED);
  }
}

cv::Mat runGrabCut(const WorkingRegion& region, cv::Mat& labels, int iterations, std::string& error) {
  cv::Mat background, foreground;
  // GrabCut's k-means starts from OpenCV's per-thread random generator: a fixed seed makes the
  // result independent of which pool thread runs it (the click search ran one case at 0.46 or
  // 0.69 IoU depending on that). The caller's generator state is put back.
  const cv::RNG callers = cv::theRNG();
  cv::theRNG() = cv::RNG(0x5A3C1A55);
  try {
    cv::grabCut(region.image, labels, cv::Rect(), background, foreground, iterations, cv::GC_INIT_WITH_MASK);
  } catch (const cv::Exception& e) {
    cv::theRNG() = callers;
    error = std::string("GrabCut failed: ") + e.what();
    return {};
  }
  cv::theRNG() = callers;
  return (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD);
}

void keepSeededParts(cv::Mat& binary, const WorkingRegion& region, const std::vector<prompt::Click>& clicks, bool keepAll) {
  if (clicks.empty() || keepAll) return;
  cv::Mat components;
  const int count = cv::connectedComponents(binary, components, 8, CV_32S);
  std::vector<uint8_t> keep(size_t(count), 0);
  for (const prompt::Click& c : clicks) {
    const cv::Point at = region.toWorking(c.x, c.y);
    if (c.positive) keep[size_t(components.at<int>(at))] = 1;
  }
  keep[0] = 0;
  for (int y = 0; y < binary.rows; ++y) {
    const int* label = components.ptr<int>(y);
    uint8_t* out = binary.ptr<uint8_t>(y);
    for (int x = 0; x < binary.cols; ++x) out[x] = keep[size_t(label[x])] ? 255 : 0;
  }
}

mask::BinaryMask toFullMask(const cv::Mat& binary, const WorkingRegion& region, const cv::Size& fullSize) {
  cv::Mat regionMask;
  cv::resize(binary, regionMask, region.roi.size(), 0, 0, cv::INTER_LINEAR);
  mask::BinaryMask full(fullSize.height, fullSize.width);
  for (int y = 0; y < region.roi.height; ++y) {
    const uint8_t* src = regionMask.ptr<uint8_t>(y);
    uint8_t* dst = full.data() + size_t(region.roi.y + y) * fullSize.width + region.roi.x;
    for (int x = 0; x < region.roi.width; ++x) dst[x] = src[x] > 127 ? 1 : 0;
  }
  return full;
}

}  // namespace sam3::classic
