#include "engine/classic/ClassicSegmenter.h"

#include "engine/classic/SimilarObjectFinder.h"
#include "engine/segment/ImageConversion.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sam3::classic {

using namespace sam3::segment;  // the engine interface this engine implements

std::string ClassicSegmenter::setImage(const cv::Mat& image, const std::string& imageKey) {
  if (const std::string problem = checkSegmentableImage(image); !problem.empty()) return problem;
  m_full = toBgr8(image);
  m_key = imageKey;
  return {};
}

namespace {

// The part of the image the prompt is about: the box, the clicks' neighbourhood and the mask
// prompt's extent, with a margin of context for GrabCut's background model.
cv::Rect regionOfInterest(const prompt::InteractivePrompt& prompt, const cv::Size& size) {
  cv::Rect2d region;
  bool any = false;
  auto add = [&](const cv::Rect2d& r) {
    region = any ? (region | r) : r;
    any = true;
  };
  const double reach = std::max(size.width, size.height) / 6.0;  // how far a lone click may grow
  if (prompt.box) {
    const auto& b = *prompt.box;
    add(cv::Rect2d(cv::Point2d(std::min(b[0], b[2]), std::min(b[1], b[3])), cv::Point2d(std::max(b[0], b[2]), std::max(b[1], b[3]))));
  }
  for (const prompt::Click& c : prompt.clicks) {
    if (c.positive) add(cv::Rect2d(c.x - reach, c.y - reach, 2 * reach, 2 * reach));
  }
  if (!prompt.maskLogits.empty()) {
    const int s = prompt::kMaskPromptSize;
    cv::Mat logits(s, s, CV_32F, const_cast<float*>(prompt.maskLogits.data()));
    const cv::Rect on = cv::boundingRect(logits > 0);
    if (on.area() > 0) {
      const double kx = double(size.width) / s, ky = double(size.height) / s;
      add(cv::Rect2d(on.x * kx, on.y * ky, on.width * kx, on.height * ky));
    }
  }
  if (!any) return {};
  const double margin = std::max(12.0, 0.15 * std::max(region.width, region.height));
  region = cv::Rect2d(region.x - margin, region.y - margin, region.width + 2 * margin, region.height + 2 * margin);
  return cv::Rect(cv::Point(int(std::floor(region.x)), int(std::floor(region.y))),
                  cv::Point(int(std::ceil(region.x + region.width)), int(std::ceil(region.y + region.height)))) &
         cv::Rect(cv::Point(0, 0), size);
}

}  // namespace

Prediction ClassicSegmenter::predict(const prompt::InteractivePrompt& prompt, const CancelFlag& cancel) {
  const auto start = std::chrono::steady_clock::now();
  Prediction result;
  if (m_full.empty()) {
    result.error = "no image is set";
    return result;
  }
  if (prompt.empty()) {
    result.error = "the prompt is empty: add a click, a box or a mask";
    return result;
  }
  const cv::Rect roi = regionOfInterest(prompt, m_full.size());
  if (roi.area() == 0) {
    result.error = "the prompt marks no foreground: add an include click or a box";
    return result;
  }
  // Work on the region, scaled down to the working size.
  const double scale = std::min(1.0, double(kWorkingSize) / std::max(roi.width, roi.height));
  cv::Mat working;
  cv::resize(m_full(roi), working, cv::Size(), scale, scale, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  const int w = working.cols, h = working.rows;
  auto toWorking = [&](double x, double y) {
    return cv::Point(std::clamp(int((x - roi.x) * scale), 0, w - 1), std::clamp(int((y - roi.y) * scale), 0, h - 1));
  };
  cv::Mat labels(h, w, CV_8U, cv::Scalar(cv::GC_BGD));
  if (prompt.box) {
    const auto& b = *prompt.box;
    const cv::Point p0 = toWorking(std::min(b[0], b[2]), std::min(b[1], b[3]));
    const cv::Point p1 = toWorking(std::max(b[0], b[2]), std::max(b[1], b[3]));
    labels(cv::Rect(p0, p1 + cv::Point(1, 1)) & cv::Rect(0, 0, w, h)).setTo(cv::GC_PR_FGD);
  } else if (prompt.maskLogits.empty()) {
    // Clicks only: a generous neighbourhood around the positive clicks is probable foreground.
    const int radius = std::max(8, int(std::max(w, h) / 3.0));
    for (const prompt::Click& c : prompt.clicks) {
      if (c.positive) cv::circle(labels, toWorking(c.x, c.y), radius, cv::GC_PR_FGD, cv::FILLED);
    }
  }
  if (!prompt.maskLogits.empty()) {
    const int s = prompt::kMaskPromptSize;
    cv::Mat logits(s, s, CV_32F, const_cast<float*>(prompt.maskLogits.data()));
    // Map the region into the 288x288 grid and resize only that part (no full-size temporary).
    const double kx = double(s) / m_full.cols, ky = double(s) / m_full.rows;
    cv::Mat mapX(h, w, CV_32F), mapY(h, w, CV_32F);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        mapX.at<float>(y, x) = float((roi.x + (x + 0.5) / scale) * kx - 0.5);
        mapY.at<float>(y, x) = float((roi.y + (y + 0.5) / scale) * ky - 0.5);
      }
    cv::Mat regionLogits;
    cv::remap(logits, regionLogits, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    labels.setTo(cv::GC_PR_FGD, regionLogits > 0);
    labels.setTo(cv::GC_PR_BGD, (regionLogits <= 0) & (labels == cv::GC_BGD));
  }
  // Clicks are definite seeds: the similar-coloured region around the click (a bounded flood
  // fill, so one click claims a whole uniform part) plus a small disc.
  const int seed = std::max(2, std::max(w, h) / 100);
  for (const prompt::Click& c : prompt.clicks) {
    const cv::Point at = toWorking(c.x, c.y);
    const uchar value = c.positive ? cv::GC_FGD : cv::GC_BGD;
    cv::Mat region(h + 2, w + 2, CV_8U, cv::Scalar(0));
    const cv::Scalar tolerance(12, 12, 12);
    const int filled = cv::floodFill(working, region, at, cv::Scalar(), nullptr, tolerance, tolerance,
                                     4 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
    if (filled < w * h / 4) labels.setTo(value, region(cv::Rect(1, 1, w, h)));  // a leak would claim everything
    cv::circle(labels, at, seed, value, cv::FILLED);
  }
  if (cv::countNonZero(labels == cv::GC_PR_FGD) + cv::countNonZero(labels == cv::GC_FGD) == 0) {
    result.error = "the prompt marks no foreground: add an include click or a box";
    return result;
  }
  if (cancel && cancel->load()) {
    result.error = "cancelled";
    return result;
  }
  cv::Mat background, foreground;
  try {
    cv::grabCut(working, labels, cv::Rect(), background, foreground, kGrabCutIterations, cv::GC_INIT_WITH_MASK);
  } catch (const cv::Exception& e) {
    result.error = std::string("GrabCut failed: ") + e.what();
    return result;
  }
  cv::Mat binary = (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD);
  // Keep the parts connected to a positive seed (or the box), drop stray islands.
  if (!prompt.clicks.empty()) {
    cv::Mat components;
    const int count = cv::connectedComponents(binary, components, 8, CV_32S);
    std::vector<uint8_t> keep(size_t(count), prompt.box.has_value() ? 1 : 0);
    keep[0] = 0;
    for (const prompt::Click& c : prompt.clicks) {
      if (c.positive) keep[size_t(components.at<int>(toWorking(c.x, c.y)))] = 1;
    }
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) binary.at<uint8_t>(y, x) = keep[size_t(components.at<int>(y, x))] ? 255 : 0;
  }
  // Back to full resolution: smooth upsampling of the region, then threshold, so edges land
  // between working pixels instead of on a staircase.
  cv::Mat regionMask;
  cv::resize(binary, regionMask, roi.size(), 0, 0, cv::INTER_LINEAR);
  mask::BinaryMask full(m_full.rows, m_full.cols);
  for (int y = 0; y < roi.height; ++y) {
    const uint8_t* src = regionMask.ptr<uint8_t>(y);
    uint8_t* dst = full.data() + size_t(roi.y + y) * m_full.cols + roi.x;
    for (int x = 0; x < roi.width; ++x) dst[x] = src[x] > 127 ? 1 : 0;
  }
  result.candidates.push_back({std::move(full), 1.0});
  result.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

FindSimilarResult ClassicSegmenter::findSimilar(const FindSimilarRequest& request, const CancelFlag& cancel) {
  const auto start = std::chrono::steady_clock::now();
  FindSimilarResult result;
  if (m_full.empty()) {
    result.error = "no image is set";
    return result;
  }
  if (request.exemplars.empty() && request.patches.empty()) {
    result.error = request.text.empty() ? "draw an exemplar box around one object to find the ones like it"
                                        : "the classic engine cannot search by text: draw an exemplar box, or load a SAM3 model bundle";
    return result;
  }
  std::vector<TemplateHit> hits;
  try {
    reportProgress("matching exemplars", 0.0);
    hits = SimilarObjectFinder().find(m_full, request.exemplars, request.threshold, request.maxInstances, cancel, request.patches);
  } catch (const std::invalid_argument& e) {
    result.error = e.what();
    return result;
  } catch (const cv::Exception& e) {
    result.error = std::string("template matching failed: ") + e.what();
    return result;
  }
  for (size_t i = 0; i < hits.size(); ++i) {
    if (cancelled(cancel)) {
      result.error = "cancelled";
      break;
    }
    reportProgress("refining matches", double(i) / double(hits.size()));
    prompt::InteractivePrompt boxPrompt;
    const cv::Rect2d& b = hits[i].box;
    boxPrompt.box = std::array<double, 4>{b.x, b.y, b.x + b.width, b.y + b.height};
    Prediction refined = predict(boxPrompt, cancel);
    if (!refined.error.empty() || refined.candidates.empty()) continue;
    mask::BinaryMask& mask = refined.candidates.front().mask;
    const cv::Rect extent = cv::boundingRect(cv::Mat(mask.height(), mask.width(), CV_8U, mask.data()));
    if (extent.area() == 0) continue;
    result.instances.push_back({std::move(mask),
                                {double(extent.x), double(extent.y), double(extent.x + extent.width),
                                 double(extent.y + extent.height)},
                                hits[i].score});
  }
  reportProgress("done", 1.0);
  result.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace sam3::classic
