#include "engine/classic/ClickScales.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "engine/classic/GrabCutRegion.h"

namespace sam3::classic {

namespace {

struct Attempt {
  WorkingRegion region;
  cv::Mat binary;      // working mask, 255 = object
  cv::Mat onCanvas;    // the same on the common scoring canvas
  bool usable = false;
  double edge = 0, stability = 0, rank = 0;
};

// The area around the include clicks, `reach` pixels each way, clamped to the image.
cv::Rect reachAround(const std::vector<prompt::Click>& clicks, double reach, const cv::Size& size) {
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const prompt::Click& c : clicks) {
    if (!c.positive) continue;
    x0 = std::min(x0, c.x - reach), y0 = std::min(y0, c.y - reach);
    x1 = std::max(x1, c.x + reach), y1 = std::max(y1, c.y + reach);
  }
  return cv::Rect(cv::Point(int(std::floor(x0)), int(std::floor(y0))), cv::Point(int(std::ceil(x1)), int(std::ceil(y1)))) &
         cv::Rect(cv::Point(0, 0), size);
}

// Colour edge strength: the largest Sobel magnitude of the three Lab channels (smoothed first).
cv::Mat edgeStrength(const cv::Mat& bgr) {
  cv::Mat blurred, lab;
  cv::GaussianBlur(bgr, blurred, cv::Size(), 1.0);
  cv::cvtColor(blurred, lab, cv::COLOR_BGR2Lab);
  std::vector<cv::Mat> channels;
  cv::split(lab, channels);
  cv::Mat strongest(bgr.size(), CV_32F, cv::Scalar(0));
  for (const cv::Mat& channel : channels) {
    cv::Mat gx, gy, magnitude;
    cv::Sobel(channel, gx, CV_32F, 1, 0);
    cv::Sobel(channel, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, magnitude);
    strongest = cv::max(strongest, magnitude);
  }
  return strongest;
}

float median(const cv::Mat& values) {
  std::vector<float> v(values.begin<float>(), values.end<float>());
  if (v.empty()) return 0.f;
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double iou(const cv::Mat& a, const cv::Mat& b) {
  const double both = cv::countNonZero(a & b), either = cv::countNonZero(a | b);
  return either > 0 ? both / either : 0.0;
}

// Whether the colour within 8 levels of each include click's own covers 90 % of the discs.
bool flatAround(const WorkingRegion& region, const std::vector<prompt::Click>& clicks, const cv::Mat& discs) {
  cv::Mat flat(region.height() + 2, region.width() + 2, CV_8U, cv::Scalar(0));
  const cv::Scalar tolerance(8, 8, 8);
  for (const prompt::Click& c : clicks) {
    if (!c.positive) continue;
    cv::floodFill(region.image, flat, region.toWorking(c.x, c.y), cv::Scalar(), nullptr, tolerance, tolerance,
                  4 | cv::FLOODFILL_MASK_ONLY | cv::FLOODFILL_FIXED_RANGE | (255 << 8));
  }
  const cv::Mat inside = flat(cv::Rect(1, 1, region.width(), region.height()));
  return cv::countNonZero(inside & discs) >= 0.9 * cv::countNonZero(discs);
}

// GrabCut with include discs of `radius` image pixels around the include clicks.
void attemptScale(Attempt& a, const cv::Mat& base, const cv::Rect& baseArea, double baseScale,
                  const std::vector<prompt::Click>& clicks, double radius, std::string& error) {
  const cv::Rect roi = reachAround(clicks, 1.6 * radius, cv::Size(int(1e9), int(1e9))) & baseArea;
  if (roi.width < 2 || roi.height < 2) return;  // a click at the very edge of a sliver: nothing to cut
  a.region = makeWorkingRegion(base, baseArea, baseScale, roi, kClickSearchSide);
  cv::Mat labels(a.region.height(), a.region.width(), CV_8U, cv::Scalar(cv::GC_BGD));
  int includes = 0;
  for (const prompt::Click& c : clicks) {
    if (!c.positive) continue;
    cv::circle(labels, a.region.toWorking(c.x, c.y), std::max(2, int(radius * a.region.scale)), cv::GC_PR_FGD, cv::FILLED);
    ++includes;
  }
  // When the include discs lie in one flat colour the object is larger than this size: GrabCut
  // would only split that colour (and slowly: 0.3-0.7 s on a 200-pixel region inside a flat
  // disc, against 60 ms otherwise). Fixed-range fill: a gradual change (fur) is not flat.
  const cv::Mat discs = labels == cv::GC_PR_FGD;
  if (flatAround(a.region, clicks, discs)) return;
  seedClicks(labels, a.region, clicks);
  a.binary = runGrabCut(a.region, labels, 2, error);
  if (a.binary.empty()) return;
  keepSeededParts(a.binary, a.region, clicks, false);
  // A result no larger than the click's own flood-filled patch (or a twentieth of the include
  // discs) is GrabCut giving up, not an object.
  const double area = cv::countNonZero(a.binary) / (a.region.scale * a.region.scale);
  a.usable = area >= std::max(64.0, 0.05 * CV_PI * radius * radius * includes);
}

// Each usable attempt's mask on the canvas, its boundary's edge strength (relative to the
// canvas's median) and its stability (IoU with the neighbouring sizes' masks); rank = both.
void rankAttempts(std::vector<Attempt>& attempts, const cv::Mat& canvas, const cv::Rect& canvasArea, double canvasScale) {
  const cv::Mat edges = edgeStrength(canvas);
  const float typicalEdge = std::max(1e-3f, median(edges));
  for (Attempt& a : attempts) {
    if (!a.usable) continue;
    const cv::Rect at(cv::Point(int(std::lround((a.region.roi.x - canvasArea.x) * canvasScale)), int(std::lround((a.region.roi.y - canvasArea.y) * canvasScale))),
                      cv::Point(int(std::lround((a.region.roi.br().x - canvasArea.x) * canvasScale)), int(std::lround((a.region.roi.br().y - canvasArea.y) * canvasScale))));
    const cv::Rect inside = at & cv::Rect(0, 0, canvas.cols, canvas.rows);
    a.onCanvas = cv::Mat(canvas.size(), CV_8U, cv::Scalar(0));
    if (inside.area() == 0) continue;
    cv::Mat resized;
    cv::resize(a.binary, resized, at.size(), 0, 0, cv::INTER_LINEAR);
    a.onCanvas(inside).setTo(255, resized(inside - at.tl()) > 127);
    cv::Mat boundary;
    cv::morphologyEx(a.onCanvas, boundary, cv::MORPH_GRADIENT, cv::Mat::ones(3, 3, CV_8U));
    if (cv::countNonZero(boundary) == 0) continue;
    a.edge = cv::mean(edges, boundary)[0] / typicalEdge;
  }
  for (size_t i = 0; i < attempts.size(); ++i) {
    Attempt& a = attempts[i];
    if (!a.usable || a.edge <= 0) continue;
    a.stability = -1;
    for (size_t j : {i - 1, i + 1})
      if (j < attempts.size() && attempts[j].usable && attempts[j].edge > 0) a.stability = std::max(a.stability, iou(a.onCanvas, attempts[j].onCanvas));
    if (a.stability < 0) a.stability = 0.3;
    a.rank = a.edge * (0.3 + a.stability);
  }
}

}  // namespace

segment::Prediction searchClickScales(const cv::Mat& full, const std::vector<prompt::Click>& clicks, const segment::CancelToken& cancel) {
  segment::Prediction result;
  for (const prompt::Click& c : clicks) {
    if (c.positive && !(c.x >= 0 && c.y >= 0 && c.x < full.cols && c.y < full.rows)) {
      result.status = segment::Status::invalidInput("the include click at (" + std::to_string(int(std::floor(c.x))) + ", " + std::to_string(int(std::floor(c.y))) +
                     ") lies outside the " + std::to_string(full.cols) + " x " + std::to_string(full.rows) + " image");
      return result;
    }
  }
  const double longSide = std::max(full.cols, full.rows);
  // One downscaled copy of the largest size's area serves every size: enough pixels that the
  // smallest size still gets its full working resolution.
  const cv::Rect canvasArea = reachAround(clicks, 1.6 * kClickScales[4] * longSide, full.size());
  const double smallestSide = 2 * 1.6 * kClickScales[0] * longSide;
  const double baseScale = std::min(1.0, kClickSearchSide / smallestSide);
  cv::Mat base;
  cv::resize(full(canvasArea), base, cv::Size(), baseScale, baseScale, baseScale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  // The scoring canvas: the same area at most 400 pixels on its long side.
  const double canvasScale = std::min(baseScale, 400.0 / std::max(canvasArea.width, canvasArea.height));
  cv::Mat canvas;
  cv::resize(base, canvas, cv::Size(), canvasScale / baseScale, canvasScale / baseScale, cv::INTER_AREA);

  std::vector<Attempt> attempts(std::size(kClickScales));
  cv::parallel_for_(cv::Range(0, int(attempts.size())), [&](const cv::Range& range) {
    for (int i = range.start; i < range.end; ++i) {
      if (segment::cancelled(cancel)) return;
      std::string error;
      try {  // one size failing (OpenCV refusing a degenerate region) leaves the others
        attemptScale(attempts[size_t(i)], base, canvasArea, baseScale, clicks, kClickScales[i] * longSide, error);
      } catch (const cv::Exception&) {
        attempts[size_t(i)].usable = false;
      }
    }
  });
  if (segment::cancelled(cancel)) {
    result.status = segment::Status::cancelled();
    return result;
  }
  rankAttempts(attempts, canvas, canvasArea, canvasScale);
  std::vector<size_t> order;
  for (size_t i = 0; i < attempts.size(); ++i)
    if (attempts[i].rank > 0) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return attempts[a].rank > attempts[b].rank; });
  std::vector<size_t> chosen;
  for (size_t i : order) {
    bool repeat = false;
    for (size_t j : chosen) repeat = repeat || iou(attempts[i].onCanvas, attempts[j].onCanvas) > 0.9;
    if (!repeat && chosen.size() < 3) chosen.push_back(i);
  }
  for (size_t i : chosen) result.candidates.push_back({toFullMask(attempts[i].binary, attempts[i].region, full.size()), attempts[i].stability});
  if (result.candidates.empty()) result.status = segment::Status::invalidInput("no object found around the click: add a box, or paint the object");
  return result;
}

}  // namespace sam3::classic
