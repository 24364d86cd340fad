#include "ui/tools/SimilarTool.h"

#include <QPainter>

namespace sam3::ui {

void SimilarTool::addExemplar(const QRectF& box, bool positive) {
  m_exemplars.push_back({box.normalized(), positive});
  if (m_onExemplars) m_onExemplars();
}

void SimilarTool::press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) {
  if (button != Qt::LeftButton && button != Qt::RightButton) return;
  m_start = imagePos;
  m_drag = Exemplar{QRectF(imagePos, imagePos), button == Qt::LeftButton && !(modifiers & Qt::ShiftModifier)};
}

void SimilarTool::move(const QPointF& imagePos, Qt::MouseButtons buttons) {
  if (m_start && m_drag && (buttons & (Qt::LeftButton | Qt::RightButton))) m_drag->box = QRectF(*m_start, imagePos).normalized();
}

void SimilarTool::release(const QPointF& imagePos, Qt::MouseButton button) {
  if (!m_start || !m_drag || (button != Qt::LeftButton && button != Qt::RightButton)) return;
  const QRectF box = QRectF(*m_start, imagePos).normalized();
  const bool positive = m_drag->positive;
  m_start.reset();
  m_drag.reset();
  if (box.width() < 3 || box.height() < 3) {  // a click: reject the candidate under it
    if (m_onClick) m_onClick(imagePos);
    return;
  }
  addExemplar(box, positive);
}

void SimilarTool::paintOverlay(QPainter& painter, const CanvasMapping& mapping) const {
  auto draw = [&](const Exemplar& e, Qt::PenStyle style) {
    painter.setPen(QPen(e.positive ? QColor(46, 204, 113) : QColor(231, 76, 60), 2, style));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(mapping.toWidget(e.box.topLeft()), mapping.toWidget(e.box.bottomRight())));
  };
  for (const Exemplar& e : m_exemplars) draw(e, Qt::SolidLine);
  if (m_drag) draw(*m_drag, Qt::DashLine);
}

}  // namespace sam3::ui
