#include "engine/mask/Polygons.h"

#include <cstdint>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <opencv2/imgproc.hpp>

namespace sam3::mask {
namespace {

Ring toRing(const std::vector<cv::Point>& contour) {
  Ring ring;
  ring.reserve(contour.size() * 2);
  for (const cv::Point& p : contour) {
    ring.push_back(p.x);
    ring.push_back(p.y);
  }
  return ring;
}

}  // namespace

PolygonSet maskToPolygons(const BinaryMask& mask, double tolerance) {
  PolygonSet set;
  if (mask.empty()) return set;
  // findContours modifies its input and ignores the border row; pad by one pixel.
  cv::Mat padded(mask.height() + 2, mask.width() + 2, CV_8U, cv::Scalar(0));
  cv::Mat(mask.height(), mask.width(), CV_8U, const_cast<uint8_t*>(mask.data()))
      .copyTo(padded(cv::Rect(1, 1, mask.width(), mask.height())));
  std::vector<std::vector<cv::Point>> contours;
  std::vector<cv::Vec4i> hierarchy;
  cv::findContours(padded, contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_SIMPLE, cv::Point(-1, -1));
  for (size_t i = 0; i < contours.size(); ++i) {
    std::vector<cv::Point> ring = contours[i];
    if (tolerance > 0) cv::approxPolyDP(contours[i], ring, tolerance, true);
    if (ring.size() < 3) continue;
    const bool isHole = hierarchy[i][3] >= 0;  // RETR_CCOMP: holes have a parent
    (isHole ? set.holes : set.outer).push_back(toRing(ring));
  }
  return set;
}

Rle polygonToRle(const Ring& ring, int height, int width) {
  if (ring.size() % 2 != 0 || ring.size() < 6) {
    throw RleError("a polygon needs an even number of values and at least 3 vertices, got " +
                   std::to_string(ring.size()) + " values");
  }
  // Vertices far outside the image are refused: an edge is traced pixel by pixel, so a vertex
  // at 3e9 (found by fuzz_coco_validator) overflowed int and would have walked billions of steps.
  if (height > (1 << 20) || width > (1 << 20) || uint64_t(height) * uint64_t(width) > UINT32_MAX) {
    // Larger sides overflow the 5x upsampled int coordinates (found by fuzz_coco_validator with
    // a 1333333330-pixel-wide image), and run lengths are 32-bit.
    throw RleError("a " + std::to_string(width) + "x" + std::to_string(height) + " image is too large for a polygon mask");
  }
  const double limit = 4.0 * std::max(height, width) + 16.0;
  for (double value : ring) {
    if (!std::isfinite(value) || std::abs(value) > limit) {
      throw RleError("a polygon vertex coordinate of " + std::to_string(value) + " lies far outside the " + std::to_string(width) +
                     "x" + std::to_string(height) + " image");
    }
  }
  const size_t k = ring.size() / 2;
  const double scale = 5.0;  // the reference upsamples by 5 before tracing edges
  std::vector<int> x(k + 1), y(k + 1);
  for (size_t j = 0; j < k; ++j) {
    x[j] = int(scale * ring[2 * j] + 0.5);
    y[j] = int(scale * ring[2 * j + 1] + 0.5);
  }
  x[k] = x[0];
  y[k] = y[0];
  // Dense boundary points along every edge.
  std::vector<int> u, v;
  for (size_t j = 0; j < k; ++j) {
    int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
    const int dx = std::abs(xe - xs), dy = std::abs(ys - ye);
    const bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      std::swap(xs, xe);
      std::swap(ys, ye);
    }
    const double slope = dx >= dy ? (dx == 0 ? 0.0 : double(ye - ys) / dx) : double(xe - xs) / dy;
    if (dx >= dy) {
      for (int d = 0; d <= dx; ++d) {
        const int t = flip ? dx - d : d;
        u.push_back(t + xs);
        v.push_back(int(ys + slope * t + 0.5));
      }
    } else {
      for (int d = 0; d <= dy; ++d) {
        const int t = flip ? dy - d : d;
        v.push_back(t + ys);
        u.push_back(int(xs + slope * t + 0.5));
      }
    }
  }
  // Where the boundary crosses a pixel column, record the first pixel below it (downsampled).
  std::vector<uint32_t> starts;
  for (size_t j = 1; j < u.size(); ++j) {
    if (u[j] == u[j - 1]) continue;
    double xd = double(u[j] < u[j - 1] ? u[j] : u[j] - 1);
    xd = (xd + 0.5) / scale - 0.5;
    if (std::floor(xd) != xd || xd < 0 || xd > width - 1) continue;
    double yd = double(v[j] < v[j - 1] ? v[j] : v[j - 1]);
    yd = (yd + 0.5) / scale - 0.5;
    yd = std::ceil(std::clamp(yd, 0.0, double(height)));
    starts.push_back(uint32_t(int(xd) * height + int(yd)));
  }
  starts.push_back(uint32_t(height) * uint32_t(width));
  std::sort(starts.begin(), starts.end());
  // Differences of sorted crossings are alternating runs; merge zero-length runs.
  std::vector<uint32_t> diffs(starts.size());
  uint32_t previous = 0;
  for (size_t j = 0; j < starts.size(); ++j) {
    diffs[j] = starts[j] - previous;
    previous = starts[j];
  }
  Rle rle{height, width, {}};
  size_t j = 0;
  rle.counts.push_back(diffs[j++]);
  while (j < diffs.size()) {
    if (diffs[j] > 0) {
      rle.counts.push_back(diffs[j++]);
    } else {
      ++j;
      if (j < diffs.size()) rle.counts.back() += diffs[j++];
    }
  }
  return rle;
}

Rle polygonsToRle(const std::vector<Ring>& rings, int height, int width) {
  Rle result{height, width, {uint32_t(height) * uint32_t(width)}};
  for (const Ring& ring : rings) result = unite(result, polygonToRle(ring, height, width));
  return result;
}

}  // namespace sam3::mask
