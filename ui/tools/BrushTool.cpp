#include "ui/tools/BrushTool.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace sam3::ui {

void BrushTool::setRadius(double radius) { m_radius = std::clamp(radius, kMinRadius, kMaxRadius); }

void BrushTool::press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers) {
  if (button != Qt::LeftButton) return;
  m_points = {{imagePos.x(), imagePos.y()}};
}

void BrushTool::move(const QPointF& imagePos, Qt::MouseButtons buttons) {
  m_cursor = imagePos;
  if (!m_points.empty() && (buttons & Qt::LeftButton)) {
    const auto& last = m_points.back();
    const double dx = imagePos.x() - last.first, dy = imagePos.y() - last.second;
    if (dx * dx + dy * dy >= 0.25 * m_radius * m_radius / 16.0) m_points.emplace_back(imagePos.x(), imagePos.y());
  }
}

void BrushTool::release(const QPointF& imagePos, Qt::MouseButton button) {
  if (button != Qt::LeftButton || m_points.empty()) return;
  m_points.emplace_back(imagePos.x(), imagePos.y());
  const auto points = std::move(m_points);
  m_points.clear();
  if (m_onStroke) m_onStroke(points, m_radius, m_erase);
}

bool BrushTool::wheel(int angleDelta, Qt::KeyboardModifiers modifiers) {
  if (!(modifiers & Qt::ControlModifier) || angleDelta == 0) return false;
  if (angleDelta > 0) grow(); else shrink();
  return true;
}

void BrushTool::paintOverlay(QPainter& painter, const CanvasMapping& mapping) const {
  const QColor color = m_erase ? QColor(255, 90, 90) : QColor(80, 200, 255);
  if (m_points.size() > 0) {
    QPainterPath path(mapping.toWidget(QPointF(m_points.front().first, m_points.front().second)));
    for (const auto& [x, y] : m_points) path.lineTo(mapping.toWidget(QPointF(x, y)));
    QColor stroke = color;
    stroke.setAlpha(110);
    painter.setPen(QPen(stroke, std::max(1.0, 2 * m_radius * mapping.scale), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(path);
  }
  if (m_cursor) {
    painter.setPen(QPen(color, 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(mapping.toWidget(*m_cursor), m_radius * mapping.scale, m_radius * mapping.scale);
  }
}

}  // namespace sam3::ui
