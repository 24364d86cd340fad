#include "ui/tools/SimilarTool.h"

#include <QPainter>

namespace sam3::ui {

void SimilarTool::press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) {
  if (button != Qt::LeftButton && button != Qt::RightButton) return;
  m_start = imagePos;
  m_drag = LabelSession::Exemplar{QRectF(imagePos, imagePos), button == Qt::LeftButton && !(modifiers & Qt::ShiftModifier)};
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
    m_context.session->rejectCandidateAt(imagePos);
    return;
  }
  m_context.session->addExemplar(box, positive);
}

void SimilarTool::paintOverlay(QPainter& painter, const CanvasMapping& mapping) const {
  auto draw = [&](const LabelSession::Exemplar& e, Qt::PenStyle style) {
    painter.setPen(QPen(e.positive ? QColor(46, 204, 113) : QColor(231, 76, 60), 2, style));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(mapping.toWidget(e.box.topLeft()), mapping.toWidget(e.box.bottomRight())));
  };
  for (const LabelSession::Exemplar& e : m_context.session->exemplars()) draw(e, Qt::SolidLine);
  if (m_drag) draw(*m_drag, Qt::DashLine);
}

}  // namespace sam3::ui
