#pragma once
// Brush and eraser (one class, two instances): a stroke is collected while the left button is
// down and applied on release as one unit, so one stroke is one undo step: it edits the one
// selected object, erases from the live prediction, paints a new object, or (an option)
// becomes the engine's mask prompt. The radius
// (image pixels) changes with Ctrl+wheel or [ and ]; a circle shows it at the cursor.

#include <QColor>
#include <QPointF>
#include <optional>
#include <utility>
#include <vector>

#include "ui/canvas/CanvasTool.h"
#include "ui/tools/ToolContext.h"

namespace sam3::ui {

class BrushTool : public CanvasTool {
 public:
  BrushTool(bool erase, ToolContext context) : m_erase(erase), m_context(context) {}

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
  // An unfinished stroke is dropped (its release goes to the next tool), and the circle is
  // not drawn at a stale position when the brush comes back.
  void deactivate() override {
    m_points.clear();
    m_cursor.reset();
  }

  static constexpr double kMinRadius = 1.0;
  static constexpr double kMaxRadius = 2000.0;

 private:
  bool m_erase;
  void apply(const std::vector<std::pair<double, double>>& points);

  ToolContext m_context;
  double m_radius = 12.0;
  std::vector<std::pair<double, double>> m_points;
  std::optional<QPointF> m_cursor;
};

}  // namespace sam3::ui
