#include "engine/classic/ClassicSegmenter.h"

#include "engine/classic/ClickScales.h"
#include "engine/classic/GrabCutRegion.h"
#include "engine/classic/SimilarObjectFinder.h"
#include "engine/segment/ImageConversion.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sam3::classic {

using namespace sam3::segment;  // the engine interface this engine implements

Status ClassicSegmenter::setImage(const cv::Mat& image, const std::string& imageKey) {
  if (const std::string problem = checkSegmentableImage(image); !problem.empty()) return Status::invalidInput(problem);
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

namespace {

// Probable foreground from the box, or from a mask prompt (painted or previous), in the region.
void seedBoxAndMask(cv::Mat& labels, const WorkingRegion& region, const prompt::InteractivePrompt& prompt, const cv::Size& fullSize) {
  if (prompt.box) {
    const auto& b = *prompt.box;
    const cv::Point p0 = region.toWorking(std::min(b[0], b[2]), std::min(b[1], b[3]));
    const cv::Point p1 = region.toWorking(std::max(b[0], b[2]), std::max(b[1], b[3]));
    labels(cv::Rect(p0, p1 + cv::Point(1, 1)) & cv::Rect(0, 0, region.width(), region.height())).setTo(cv::GC_PR_FGD);
  }
  if (prompt.maskLogits.empty()) return;
  const int s = prompt::kMaskPromptSize;
  cv::Mat logits(s, s, CV_32F, const_cast<float*>(prompt.maskLogits.data()));
  // Map the region into the 288x288 grid and resize only that part (no full-size temporary).
  const double kx = double(s) / fullSize.width, ky = double(s) / fullSize.height;
  cv::Mat mapX(region.height(), region.width(), CV_32F), mapY(region.height(), region.width(), CV_32F);
  for (int y = 0; y < region.height(); ++y)
    for (int x = 0; x < region.width(); ++x) {
      mapX.at<float>(y, x) = float((region.roi.x + (x + 0.5) / region.scale) * kx - 0.5);
      mapY.at<float>(y, x) = float((region.roi.y + (y + 0.5) / region.scale) * ky - 0.5);
    }
  cv::Mat regionLogits;
  cv::remap(logits, regionLogits, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  labels.setTo(cv::GC_PR_FGD, regionLogits > 0);
  labels.setTo(cv::GC_PR_BGD, (regionLogits <= 0) & (labels == cv::GC_BGD));
}

}  // namespace

Prediction ClassicSegmenter::predict(const prompt::InteractivePrompt& prompt, const CancelToken& cancel) {
  const auto start = std::chrono::steady_clock::now();
  Prediction result;
  if (m_full.empty()) {
    result.status = Status::invalidInput("no image is set");
    return result;
  }
  if (prompt.empty()) {
    result.status = Status::invalidInput("the prompt is empty: add a click, a box or a mask");
    return result;
  }
  const bool clicksOnly = !prompt.box && prompt.maskLogits.empty();
  const bool anyInclude = std::any_of(prompt.clicks.begin(), prompt.clicks.end(), [](const prompt::Click& c) { return c.positive; });
  if (clicksOnly && anyInclude) {
    result = searchClickScales(m_full, prompt.clicks, cancel);
  } else {
    result = predictFromRegion(prompt, cancel);
  }
  result.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

Prediction ClassicSegmenter::predictFromRegion(const prompt::InteractivePrompt& prompt, const CancelToken& cancel) {
  Prediction result;
  const cv::Rect roi = regionOfInterest(prompt, m_full.size());
  if (roi.area() == 0) {
    result.status = Status::invalidInput("the prompt marks no foreground: add an include click or a box");
    return result;
  }
  const WorkingRegion region = makeWorkingRegion(m_full, roi, kWorkingSize);
  cv::Mat labels(region.height(), region.width(), CV_8U, cv::Scalar(cv::GC_BGD));
  seedBoxAndMask(labels, region, prompt, m_full.size());
  seedClicks(labels, region, prompt.clicks);
  if (cv::countNonZero(labels == cv::GC_PR_FGD) + cv::countNonZero(labels == cv::GC_FGD) == 0) {
    result.status = Status::invalidInput("the prompt marks no foreground: add an include click or a box");
    return result;
  }
  if (cancelled(cancel)) {
    result.status = Status::cancelled();
    return result;
  }
  std::string grabCutError;
  cv::Mat binary = runGrabCut(region, labels, kGrabCutIterations, grabCutError);
  if (binary.empty()) {
    result.status = Status::engineFailure(grabCutError);
    return result;
  }
  // Keep the parts connected to an include click (or everything a box marked), drop islands.
  keepSeededParts(binary, region, prompt.clicks, prompt.box.has_value());
  result.candidates.push_back({toFullMask(binary, region, m_full.size()), 1.0});
  return result;
}

FindSimilarResult ClassicSegmenter::findSimilar(const FindSimilarRequest& request, const CancelToken& cancel) {
  const auto start = std::chrono::steady_clock::now();
  FindSimilarResult result;
  if (m_full.empty()) {
    result.status = Status::invalidInput("no image is set");
    return result;
  }
  if (request.exemplars.empty() && request.patches.empty()) {
    result.status = request.text.empty()
                        ? Status::invalidInput("draw an exemplar box around one object to find the ones like it")
                        : Status::unsupported("the classic engine cannot search by text: draw an exemplar box, or load a SAM3 model bundle");
    return result;
  }
  std::vector<TemplateHit> hits;
  try {
    reportProgress("matching exemplars", 0.0);
    hits = SimilarObjectFinder().find(m_full, request.exemplars, request.threshold, request.maxInstances, cancel, request.patches);
  } catch (const std::invalid_argument& e) {
    result.status = Status::invalidInput(e.what());
    return result;
  } catch (const cv::Exception& e) {
    result.status = Status::engineFailure(std::string("template matching failed: ") + e.what());
    return result;
  }
  for (size_t i = 0; i < hits.size(); ++i) {
    if (cancelled(cancel)) {
      result.status = Status::cancelled();
      break;
    }
    reportProgress("refining matches", double(i) / double(hits.size()));
    prompt::InteractivePrompt boxPrompt;
    const cv::Rect2d& b = hits[i].box;
    boxPrompt.box = std::array<double, 4>{b.x, b.y, b.x + b.width, b.y + b.height};
    Prediction refined = predict(boxPrompt, cancel);
    if (!refined.status.ok() || refined.candidates.empty()) continue;
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

std::unique_ptr<Segmenter> openClassicEngine(const EngineOptions& options, std::string& error) {
  if (!options.bundleDirectory.empty()) {
    error = "this build runs the classic engine only; run sam3-annotate-app for the bundle " + options.bundleDirectory;
    return nullptr;
  }
  return std::make_unique<ClassicSegmenter>();
}

}  // namespace sam3::classic
