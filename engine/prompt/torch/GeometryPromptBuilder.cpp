#include "engine/prompt/torch/GeometryPromptBuilder.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace sam3::prompt {
namespace {

void requireFinite(std::initializer_list<double> values, const char* what) {
  for (double v : values) {
    if (!std::isfinite(v)) throw std::invalid_argument(std::string(what) + " has a non-finite coordinate");
  }
}

}  // namespace

GeometryPromptBuilder::GeometryPromptBuilder(int imageWidth, int imageHeight)
    : m_width(imageWidth), m_height(imageHeight) {
  if (imageWidth <= 0 || imageHeight <= 0) {
    throw std::invalid_argument("GeometryPromptBuilder: image size must be positive, got " +
                                std::to_string(imageWidth) + "x" + std::to_string(imageHeight));
  }
}

double GeometryPromptBuilder::clampX(double x) const { return std::clamp(x, 0.0, double(m_width)); }
double GeometryPromptBuilder::clampY(double y) const { return std::clamp(y, 0.0, double(m_height)); }

void GeometryPromptBuilder::addBox(double x0, double y0, double x1, double y1, bool positive) {
  requireFinite({x0, y0, x1, y1}, "box");
  const double left = clampX(std::min(x0, x1)), right = clampX(std::max(x0, x1));
  const double top = clampY(std::min(y0, y1)), bottom = clampY(std::max(y0, y1));
  m_boxes.push_back({(left + right) / 2.0 / m_width, (top + bottom) / 2.0 / m_height,
                     (right - left) / m_width, (bottom - top) / m_height, positive});
}

void GeometryPromptBuilder::addPoint(double x, double y, bool positive) {
  requireFinite({x, y}, "point");
  m_points.push_back({clampX(x) / m_width, clampY(y) / m_height, positive});
}

void GeometryPromptBuilder::clear() {
  m_boxes.clear();
  m_points.clear();
}

GeometryPrompt GeometryPromptBuilder::build() const {
  GeometryPrompt prompt = GeometryPrompt::empty(1);
  if (!m_boxes.empty()) {
    const int64_t n = static_cast<int64_t>(m_boxes.size());
    at::Tensor boxes = at::empty({n, 1, 4});
    at::Tensor labels = at::empty({n, 1}, at::kLong);
    auto b = boxes.accessor<float, 3>();
    auto l = labels.accessor<int64_t, 2>();
    for (int64_t i = 0; i < n; ++i) {
      const Box& box = m_boxes[i];
      b[i][0][0] = float(box.cx); b[i][0][1] = float(box.cy);
      b[i][0][2] = float(box.w);  b[i][0][3] = float(box.h);
      l[i][0] = box.positive ? 1 : 0;
    }
    prompt.appendBoxes(boxes, labels);
  }
  if (!m_points.empty()) {
    const int64_t n = static_cast<int64_t>(m_points.size());
    at::Tensor points = at::empty({n, 1, 2});
    at::Tensor labels = at::empty({n, 1}, at::kLong);
    auto p = points.accessor<float, 3>();
    auto l = labels.accessor<int64_t, 2>();
    for (int64_t i = 0; i < n; ++i) {
      p[i][0][0] = float(m_points[i].x);
      p[i][0][1] = float(m_points[i].y);
      l[i][0] = m_points[i].positive ? 1 : 0;
    }
    prompt.appendPoints(points, labels);
  }
  return prompt;
}

}  // namespace sam3::prompt
