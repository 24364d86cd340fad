#include "engine/mask/Polygons.h"

#include <cstdint>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <opencv2/imgproc.hpp>

namespace sam3::mask {
namespace {

// Directions along pixel edges, y down: right, down, left, up. Turning right is +1.
constexpr int kStepX[4] = {1, 0, -1, 0};
constexpr int kStepY[4] = {0, 1, 0, -1};

// Every boundary edge between a foreground pixel and background (or the outside), directed so
// the foreground lies on its right, as bits (1 << direction) at its start corner. Corners are
// (x, y) in [0, w] x [0, h] of `box`, stored row-major with stride w + 1.
std::vector<uint8_t> boundaryEdges(const BinaryMask& mask, const cv::Rect& box) {
  const int w = box.width, h = box.height, stride = w + 1;
  std::vector<uint8_t> edges(size_t(stride) * (h + 1), 0);
  // Rows of the box with a background pixel on either side and a background row above and
  // below, so the loop needs no bounds checks. A 16 MP disc with a hole takes 35 ms (41 ms with
  // checked reads; OpenCV's findContours, which traced pixel centres, 15 ms).
  std::vector<uint8_t> rows(size_t(w + 2) * (h + 2), 0);
  for (int y = 0; y < h; ++y) std::memcpy(&rows[size_t(y + 1) * (w + 2) + 1], mask.data() + size_t(box.y + y) * mask.width() + box.x, size_t(w));
  for (int y = 0; y < h; ++y) {
    const uint8_t* above = &rows[size_t(y) * (w + 2) + 1];
    const uint8_t* row = above + (w + 2);
    const uint8_t* below = row + (w + 2);
    uint8_t* top = &edges[size_t(y) * stride];
    uint8_t* bottom = top + stride;
    for (int x = 0; x < w; ++x) {
      if (!row[x]) continue;
      if (!above[x]) top[x] |= 1 << 0;           // top, going right
      if (!row[x + 1]) top[x + 1] |= 1 << 1;     // right side, going down
      if (!below[x]) bottom[x + 1] |= 1 << 2;    // bottom, going left
      if (!row[x - 1]) bottom[x] |= 1 << 3;      // left side, going up
    }
  }
  return edges;
}

// Follows edges from `start` until back there, using each edge once. Where two parts touch at
// a corner (two ways on) it turns right, so parts touching only diagonally get separate rings
// (COCO's rasterization of the union is then exact). Only the corners where the way turns are
// kept, in image coordinates.
std::vector<cv::Point> followRing(std::vector<uint8_t>& edges, int stride, cv::Point start, const cv::Point& offset) {
  std::vector<cv::Point> ring;
  cv::Point at = start;
  int heading = -1;
  do {
    uint8_t& ways = edges[size_t(at.y) * stride + at.x];
    int next = -1;
    if (heading >= 0 && (ways & (1 << ((heading + 1) % 4)))) {
      next = (heading + 1) % 4;
    } else {
      for (int d = 0; d < 4 && next < 0; ++d)
        if (ways & (1 << d)) next = d;
    }
    if (next < 0) break;  // cannot happen on a closed boundary; stops rather than loops
    ways = uint8_t(ways & ~(1 << next));
    if (next != heading) ring.push_back(at + offset);
    heading = next;
    at += cv::Point(kStepX[next], kStepY[next]);
  } while (at != start);
  // The start corner is kept only if the way turns there.
  if (ring.size() > 1 && heading >= 0) {
    const cv::Point first = ring.front() - offset;
    if (first == start) {
      const cv::Point second = ring[1] - offset;
      const int firstHeading = second.x > first.x ? 0 : second.y > first.y ? 1 : second.x < first.x ? 2 : 3;
      if (firstHeading == heading) ring.erase(ring.begin());
    }
  }
  return ring;
}

// Twice the signed area (y down): positive for outer rings (clockwise on screen), negative for holes.
int64_t twiceArea(const std::vector<cv::Point>& ring) {
  int64_t sum = 0;
  for (size_t i = 0; i < ring.size(); ++i) {
    const cv::Point& a = ring[(i + ring.size() - 1) % ring.size()];
    const cv::Point& b = ring[i];
    sum += int64_t(a.x) * b.y - int64_t(b.x) * a.y;
  }
  return sum;
}

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
  const cv::Rect box = cv::boundingRect(cv::Mat(mask.height(), mask.width(), CV_8U, const_cast<uint8_t*>(mask.data())));
  if (box.area() == 0) return set;
  std::vector<uint8_t> edges = boundaryEdges(mask, box);
  const int stride = box.width + 1;
  for (int y = 0; y <= box.height; ++y)
    for (int x = 0; x <= box.width; ++x) {
      while (edges[size_t(y) * stride + x] != 0) {
        std::vector<cv::Point> ring = followRing(edges, stride, cv::Point(x, y), box.tl());
        const bool isHole = twiceArea(ring) < 0;
        if (tolerance > 0) {
          std::vector<cv::Point> simplified;
          cv::approxPolyDP(ring, simplified, tolerance, true);
          ring.swap(simplified);
        }
        if (ring.size() < 3) continue;
        (isHole ? set.holes : set.outer).push_back(toRing(ring));
      }
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
