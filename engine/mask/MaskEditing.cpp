#include "engine/mask/MaskEditing.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sam3::mask {

bool contains(const Rle& rle, int x, int y) {
  if (x < 0 || y < 0 || x >= rle.width || y >= rle.height) return false;
  const uint64_t index = uint64_t(x) * uint64_t(rle.height) + uint64_t(y);  // column-major
  uint64_t position = 0;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    position += rle.counts[i];
    if (index < position) return i % 2 == 1;
  }
  return false;
}

std::vector<BinaryMask> connectedParts(const BinaryMask& mask, int64_t minArea) {
  if (mask.empty()) return {};
  const cv::Mat view(mask.height(), mask.width(), CV_8U, const_cast<uint8_t*>(mask.data()));
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(view, labels, stats, centroids, 8, CV_32S);
  std::vector<int> order;
  for (int label = 1; label < count; ++label) {
    if (stats.at<int>(label, cv::CC_STAT_AREA) >= minArea) order.push_back(label);
  }
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return stats.at<int>(a, cv::CC_STAT_AREA) > stats.at<int>(b, cv::CC_STAT_AREA);
  });
  std::vector<BinaryMask> parts;
  for (int label : order) {
    BinaryMask part(mask.height(), mask.width());
    const cv::Rect box(stats.at<int>(label, cv::CC_STAT_LEFT), stats.at<int>(label, cv::CC_STAT_TOP),
                       stats.at<int>(label, cv::CC_STAT_WIDTH), stats.at<int>(label, cv::CC_STAT_HEIGHT));
    for (int y = box.y; y < box.y + box.height; ++y) {
      const int* row = labels.ptr<int>(y);
      uint8_t* out = part.data() + size_t(y) * mask.width();
      for (int x = box.x; x < box.x + box.width; ++x) out[x] = row[x] == label ? 1 : 0;
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

BinaryMask rasterizeStroke(const std::vector<std::pair<double, double>>& points, double radius, int height, int width) {
  BinaryMask out(height, width);
  if (points.empty() || height <= 0 || width <= 0 || !(radius > 0)) return out;
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const auto& [x, y] : points) {
    x0 = std::min(x0, x); y0 = std::min(y0, y);
    x1 = std::max(x1, x); y1 = std::max(y1, y);
  }
  const cv::Rect bounds = cv::Rect(cv::Point(int(std::floor(x0 - radius)) - 1, int(std::floor(y0 - radius)) - 1),
                                   cv::Point(int(std::ceil(x1 + radius)) + 2, int(std::ceil(y1 + radius)) + 2)) &
                          cv::Rect(0, 0, width, height);
  if (bounds.area() == 0) return out;
  cv::Mat region(bounds.size(), CV_8U, cv::Scalar(0));
  constexpr int kShift = 4;  // sub-pixel precision of the drawing calls
  auto fixed = [&](double x, double y) {
    return cv::Point(int(std::lround((x - 0.5 - bounds.x) * (1 << kShift))), int(std::lround((y - 0.5 - bounds.y) * (1 << kShift))));
  };
  const int r = std::max(1, int(std::lround(radius * (1 << kShift))));
  for (size_t i = 0; i < points.size(); ++i) {
    const cv::Point p = fixed(points[i].first, points[i].second);
    cv::circle(region, p, r, 1, cv::FILLED, cv::LINE_8, kShift);
    if (i > 0) {
      const cv::Point q = fixed(points[i - 1].first, points[i - 1].second);
      cv::line(region, q, p, 1, std::max(1, int(std::lround(2 * radius))), cv::LINE_8, kShift);
    }
  }
  for (int y = 0; y < bounds.height; ++y) {
    std::copy_n(region.ptr<uint8_t>(y), bounds.width, out.data() + size_t(bounds.y + y) * width + bounds.x);
  }
  return out;
}

}  // namespace sam3::mask
