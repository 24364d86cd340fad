#include "ui/tools/PointTool.h"

#include <algorithm>

#include "ui/canvas/ImageCanvas.h"
#include "ui/session/LabelSession.h"
#include "ui/session/PromptSession.h"

namespace sam3::ui {

void PointTool::press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) {
  if (button != Qt::LeftButton && button != Qt::RightButton) return;
  const bool exclude = button == Qt::RightButton || (modifiers & Qt::ShiftModifier);
  m_context.session->prompt()->addClick(imagePos, !exclude);
}

void PointTool::move(const QPointF& imagePos, Qt::MouseButtons buttons) {
  // A new preview only when the cursor moved a few screen pixels.
  if (buttons == Qt::NoButton) m_context.session->hoverAt(imagePos, 4.0 / std::max(0.01, m_context.view->zoom()));
}

}  // namespace sam3::ui
