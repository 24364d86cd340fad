#include "ui/tools/PointTool.h"

#include "ui/tools/PromptSession.h"

namespace sam3::ui {

void PointTool::press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) {
  if (button != Qt::LeftButton && button != Qt::RightButton) return;
  const bool exclude = button == Qt::RightButton || (modifiers & Qt::ShiftModifier);
  m_session->addClick(imagePos, !exclude);
}

}  // namespace sam3::ui
