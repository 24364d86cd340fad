#include "engine/classic/SimilarObjectFinder.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace sam3::classic {

using namespace sam3::segment;  // the engine interface this engine implements
namespace {

constexpr double kTemplateScales[] = {0.8, 0.9, 1.0, 1.12, 1.25};
constexpr int kMinTemplateSide = 8;  // working pixels; smaller templates correlate with noise

cv::Rect2d normalizedBox(const std::array<double, 4>& b) {
  return cv::Rect2d(cv::Point2d(std::min(b[0], b[2]), std::min(b[1], b[3])),
                    cv::Point2d(std::max(b[0], b[2]), std::max(b[1], b[3])));
}

cv::Rect toPixels(const cv::Rect2d& r, const cv::Size& bounds) {
  const cv::Rect pixels(cv::Point(int(std::floor(r.x)), int(std::floor(r.y))),
                        cv::Point(int(std::ceil(r.x + r.width)), int(std::ceil(r.y + r.height))));
  return pixels & cv::Rect(cv::Point(0, 0), bounds);
}

// Correlation coefficient of two equally sized 8-bit BGR patches (what TM_CCOEFF_NORMED gives).
double correlation(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat response;
  cv::matchTemplate(a, b, response, cv::TM_CCOEFF_NORMED);
  return double(response.at<float>(0, 0));
}

// Local maxima of a response map above `threshold`, one per neighbourhood of about half the
// template, as hits in working pixels.
void collectPeaks(const cv::Mat& response, const cv::Size& templateSize, double threshold, double scaleToImage,
                  std::vector<TemplateHit>& hits) {
  const cv::Size neighbourhood(std::max(3, templateSize.width / 2) | 1, std::max(3, templateSize.height / 2) | 1);
  cv::Mat dilated;
  cv::dilate(response, dilated, cv::getStructuringElement(cv::MORPH_RECT, neighbourhood));
  for (int y = 0; y < response.rows; ++y) {
    const float* r = response.ptr<float>(y);
    const float* d = dilated.ptr<float>(y);
    for (int x = 0; x < response.cols; ++x) {
      if (r[x] >= threshold && r[x] >= d[x] && std::isfinite(r[x])) {
        hits.push_back({cv::Rect2d(x * scaleToImage, y * scaleToImage, templateSize.width * scaleToImage,
                                   templateSize.height * scaleToImage),
                        double(r[x])});
      }
    }
  }
}

}  // namespace

double intersectionOverUnion(const cv::Rect2d& a, const cv::Rect2d& b) {
  const double overlap = (a & b).area();
  const double joined = a.area() + b.area() - overlap;
  return joined > 0 ? overlap / joined : 0.0;
}

std::vector<TemplateHit> SimilarObjectFinder::find(const cv::Mat& image, const std::vector<Exemplar>& exemplars,
                                                   double threshold, int maxHits, const CancelToken& cancel,
                                                   const std::vector<ExemplarPatch>& patches) const {
  std::vector<cv::Mat> positives, negativePatches;
  for (const Exemplar& e : exemplars) {
    const cv::Rect box = toPixels(normalizedBox(e.box), image.size());
    if (box.width >= 2 && box.height >= 2) (e.positive ? positives : negativePatches).push_back(image(box));
  }
  for (const ExemplarPatch& p : patches) {
    if (p.pixels.type() == CV_8UC3 && p.pixels.cols >= 2 && p.pixels.rows >= 2) (p.positive ? positives : negativePatches).push_back(p.pixels);
  }
  if (positives.empty()) throw std::invalid_argument("draw at least one positive exemplar box inside the image");

  // Working scale: the long side at most kWorkingSize, but never so small that an exemplar
  // shrinks below kMinTemplateSide.
  double smallestSide = 1e18;
  for (const cv::Mat& p : positives) smallestSide = std::min({smallestSide, double(p.cols), double(p.rows)});
  double scale = std::min(1.0, double(kWorkingSize) / std::max(image.cols, image.rows));
  scale = std::min(1.0, std::max(scale, kMinTemplateSide / smallestSide));
  cv::Mat working;
  if (scale < 1.0) {
    cv::resize(image, working, cv::Size(), scale, scale, cv::INTER_AREA);
  } else {
    working = image;
  }

  std::vector<TemplateHit> hits;
  for (const cv::Mat& exemplar : positives) {
    const cv::Size patch(std::max(1, int(std::lround(exemplar.cols * scale))), std::max(1, int(std::lround(exemplar.rows * scale))));
    for (double templateScale : kTemplateScales) {
      if (cancelled(cancel)) return {};
      const cv::Size size(int(std::lround(patch.width * templateScale)), int(std::lround(patch.height * templateScale)));
      if (size.width < 2 || size.height < 2 || size.width > working.cols || size.height > working.rows) continue;
      cv::Mat resized;
      cv::resize(exemplar, resized, size, 0, 0, size.width < exemplar.cols ? cv::INTER_AREA : cv::INTER_LINEAR);
      cv::Mat response;
      cv::matchTemplate(working, resized, response, cv::TM_CCOEFF_NORMED);
      collectPeaks(response, size, threshold, 1.0 / scale, hits);
    }
  }

  // Negative exemplars veto hits that resemble them more than the hit resembles the positives.
  if (!negativePatches.empty()) {
    hits.erase(std::remove_if(hits.begin(), hits.end(),
                              [&](const TemplateHit& hit) {
                                const cv::Rect region = toPixels(hit.box, image.size());
                                if (region.width < 2 || region.height < 2) return true;
                                for (const cv::Mat& negative : negativePatches) {
                                  cv::Mat candidate;
                                  cv::resize(image(region), candidate, negative.size(), 0, 0, cv::INTER_AREA);
                                  if (correlation(candidate, negative) > hit.score) return true;
                                }
                                return false;
                              }),
               hits.end());
  }

  std::sort(hits.begin(), hits.end(), [](const TemplateHit& a, const TemplateHit& b) { return a.score > b.score; });
  std::vector<TemplateHit> kept;
  for (const TemplateHit& hit : hits) {
    if (int(kept.size()) >= maxHits) break;
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const TemplateHit& k) {
      return intersectionOverUnion(k.box, hit.box) > kOverlapLimit;
    });
    if (!overlaps) kept.push_back(hit);
  }
  return kept;
}

}  // namespace sam3::classic
