#include "ui/tools/BoxTool.h"

#include <QRectF>

#include "ui/session/LabelSession.h"
#include "ui/session/PromptSession.h"

namespace sam3::ui {

BoxTool::BoxTool(ToolContext context) : m_session(context.session->prompt()) {}

void BoxTool::press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers) {
  if (button == Qt::LeftButton) m_start = imagePos;
}

void BoxTool::move(const QPointF& imagePos, Qt::MouseButtons buttons) {
  if (m_start && (buttons & Qt::LeftButton)) m_session->setPreviewBox(QRectF(*m_start, imagePos).normalized());
}

void BoxTool::release(const QPointF& imagePos, Qt::MouseButton button) {
  if (!m_start || button != Qt::LeftButton) return;
  const QRectF box = QRectF(*m_start, imagePos).normalized();
  m_start.reset();
  if (box.width() < 2 || box.height() < 2) {  // a click, not a drag
    m_session->setPreviewBox(std::nullopt);
    return;
  }
  m_session->setBox(box);
}

void BoxTool::deactivate() {
  if (!m_start) return;
  m_start.reset();
  m_session->setPreviewBox(std::nullopt);
}

}  // namespace sam3::ui
