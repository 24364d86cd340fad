#include "engine/segment/ClassicSegmenter.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sam3::segment {
namespace {

cv::Mat toBgr8(const cv::Mat& image) {
  cv::Mat eight;
  if (image.depth() == CV_16U) {
    image.convertTo(eight, CV_8U, 1.0 / 257.0);
  } else if (image.depth() == CV_8U) {
    eight = image;
  } else {
    double lo, hi;
    cv::minMaxLoc(image.reshape(1), &lo, &hi);
    image.convertTo(eight, CV_8U, hi > lo ? 255.0 / (hi - lo) : 1.0, hi > lo ? -lo * 255.0 / (hi - lo) : 0.0);
  }
  cv::Mat bgr;
  switch (eight.channels()) {
    case 1: cv::cvtColor(eight, bgr, cv::COLOR_GRAY2BGR); break;
    case 4: cv::cvtColor(eight, bgr, cv::COLOR_BGRA2BGR); break;
    default: bgr = eight.clone(); break;
  }
  return bgr;
}

}  // namespace

std::string ClassicSegmenter::setImage(const cv::Mat& image, const std::string& imageKey) {
  if (image.empty()) return "the image is empty";
  if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4) {
    return "unsupported image with " + std::to_string(image.channels()) + " channels";
  }
  m_full = toBgr8(image);
  m_key = imageKey;
  const int longSide = std::max(m_full.cols, m_full.rows);
  m_scale = longSide > kWorkingSize ? double(kWorkingSize) / longSide : 1.0;
  if (m_scale < 1.0) {
    cv::resize(m_full, m_working, cv::Size(), m_scale, m_scale, cv::INTER_AREA);
  } else {
    m_working = m_full;
  }
  return {};
}

Prediction ClassicSegmenter::predict(const prompt::InteractivePrompt& prompt, const CancelFlag& cancel) {
  const auto start = std::chrono::steady_clock::now();
  Prediction result;
  if (m_working.empty()) {
    result.error = "no image is set";
    return result;
  }
  if (prompt.empty()) {
    result.error = "the prompt is empty: add a click, a box or a mask";
    return result;
  }
  const int w = m_working.cols, h = m_working.rows;
  cv::Mat labels(h, w, CV_8U, cv::Scalar(cv::GC_BGD));
  cv::Rect rect;
  if (prompt.box) {
    const auto& b = *prompt.box;
    const int x0 = std::clamp(int(std::min(b[0], b[2]) * m_scale), 0, w - 1);
    const int y0 = std::clamp(int(std::min(b[1], b[3]) * m_scale), 0, h - 1);
    const int x1 = std::clamp(int(std::ceil(std::max(b[0], b[2]) * m_scale)), x0 + 1, w);
    const int y1 = std::clamp(int(std::ceil(std::max(b[1], b[3]) * m_scale)), y0 + 1, h);
    rect = cv::Rect(x0, y0, x1 - x0, y1 - y0);
    labels(rect).setTo(cv::GC_PR_FGD);
  } else if (prompt.maskLogits.empty()) {
    // Clicks only: a generous neighbourhood around the positive clicks is probable foreground.
    const int radius = std::max(16, std::max(w, h) / 6);
    for (const prompt::Click& c : prompt.clicks) {
      if (c.positive) cv::circle(labels, cv::Point(int(c.x * m_scale), int(c.y * m_scale)), radius, cv::GC_PR_FGD, cv::FILLED);
    }
  }
  if (!prompt.maskLogits.empty()) {
    cv::Mat logits(prompt::kMaskPromptSize, prompt::kMaskPromptSize, CV_32F, const_cast<float*>(prompt.maskLogits.data()));
    cv::Mat resized;
    cv::resize(logits, resized, labels.size(), 0, 0, cv::INTER_LINEAR);
    labels.setTo(cv::GC_PR_FGD, resized > 0);
    labels.setTo(cv::GC_PR_BGD, resized <= 0 & labels == cv::GC_BGD);
  }
  // Clicks are definite seeds: the similar-coloured region around the click (a bounded flood
  // fill, so one click claims a whole uniform part) plus a disc whose radius follows the image
  // size, so a click means the same thing on a thumbnail and on a 24-megapixel photo.
  const int seed = std::max(2, std::max(w, h) / 200);
  for (const prompt::Click& c : prompt.clicks) {
    const cv::Point at(std::clamp(int(c.x * m_scale), 0, w - 1), std::clamp(int(c.y * m_scale), 0, h - 1));
    const uchar value = c.positive ? cv::GC_FGD : cv::GC_BGD;
    cv::Mat region(h + 2, w + 2, CV_8U, cv::Scalar(0));
    const cv::Scalar tolerance(12, 12, 12);
    const int filled = cv::floodFill(m_working, region, at, cv::Scalar(), nullptr, tolerance, tolerance,
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
    cv::grabCut(m_working, labels, rect, background, foreground, 5, cv::GC_INIT_WITH_MASK);
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
      const cv::Point p(std::clamp(int(c.x * m_scale), 0, w - 1), std::clamp(int(c.y * m_scale), 0, h - 1));
      if (c.positive) keep[size_t(components.at<int>(p))] = 1;
    }
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) binary.at<uint8_t>(y, x) = keep[size_t(components.at<int>(y, x))] ? 255 : 0;
  }
  cv::Mat full = binary;
  if (m_scale < 1.0) {  // upsample smoothly, then threshold: edges stay at sub-pixel positions
    cv::Mat smooth;
    cv::resize(binary, smooth, m_full.size(), 0, 0, cv::INTER_LINEAR);
    full = smooth > 127;
  }
  std::vector<uint8_t> pixels(full.total());
  for (int y = 0; y < full.rows; ++y) {
    const uint8_t* row = full.ptr<uint8_t>(y);
    for (int x = 0; x < full.cols; ++x) pixels[size_t(y) * full.cols + x] = row[x] ? 1 : 0;
  }
  Candidate candidate{mask::BinaryMask(full.rows, full.cols, std::move(pixels)), 1.0};
  result.candidates.push_back(std::move(candidate));
  result.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace sam3::segment
