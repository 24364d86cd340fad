#pragma once
// Brush and eraser (one class, two instances): a stroke is collected while the left button is
// down and handed over on release as one unit, so one stroke is one undo step. The radius
// (image pixels) changes with Ctrl+wheel or [ and ]; a circle shows it at the cursor.

#include <QColor>
#include <QPointF>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "ui/tools/CanvasTool.h"

namespace sam3::ui {

class BrushTool : public CanvasTool {
 public:
  using StrokeHandler = std::function<void(const std::vector<std::pair<double, double>>& points, double radius, bool erase)>;

  BrushTool(bool erase, StrokeHandler onStroke) : m_erase(erase), m_onStroke(std::move(onStroke)) {}

  bool erases() const { return m_erase; }
  double radius() const { return m_radius; }
  void setRadius(double radius);
  void grow() { setRadius(m_radius * 1.25); }
  void shrink() { setRadius(m_radius / 1.25); }

  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;
  void move(const QPointF& imagePos, Qt::MouseButtons buttons) override;
  void release(const QPointF& imagePos, Qt::MouseButton button) override;
  bool wheel(int angleDelta, Qt::KeyboardModifiers modifiers) override;
  void paintOverlay(QPainter& painter, const CanvasMapping& mapping) const override;
  bool tracksHover() const override { return true; }

  static constexpr double kMinRadius = 1.0;
  static constexpr double kMaxRadius = 2000.0;

 private:
  bool m_erase;
  StrokeHandler m_onStroke;
  double m_radius = 12.0;
  std::vector<std::pair<double, double>> m_points;
  std::optional<QPointF> m_cursor;
};

}  // namespace sam3::ui
