#pragma once
// Turns user gestures in image pixels into a single-image GeometryPrompt (B = 1): boxes dragged
// in any direction and clicked points, each positive (include) or negative (exclude).
// Coordinates are clamped to the image, then normalized by its size as SAM3's processor does
// (the 1008x1008 resize ignores aspect ratio, so normalizing by W and H is exact).

#include <vector>

#include "engine/prompt/torch/GeometryPrompt.h"

namespace sam3::prompt {

class GeometryPromptBuilder {
 public:
  // Throws std::invalid_argument for a non-positive image size.
  GeometryPromptBuilder(int imageWidth, int imageHeight);

  // Corners in pixels, any order. Throws std::invalid_argument for non-finite coordinates.
  void addBox(double x0, double y0, double x1, double y1, bool positive = true);
  void addPoint(double x, double y, bool positive = true);
  void clear();

  size_t boxCount() const { return m_boxes.size(); }
  size_t pointCount() const { return m_points.size(); }

  GeometryPrompt build() const;

 private:
  struct Box { double cx, cy, w, h; bool positive; };
  struct Point { double x, y; bool positive; };
  double clampX(double x) const;
  double clampY(double y) const;

  int m_width;
  int m_height;
  std::vector<Box> m_boxes;
  std::vector<Point> m_points;
};

}  // namespace sam3::prompt
