#include "ui/tools/SelectTool.h"

#include "engine/mask/MaskEditing.h"
#include "ui/document/Document.h"
#include "ui/session/LabelSession.h"

namespace sam3::ui {

void SelectTool::press(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) {
  if (button != Qt::LeftButton) return;
  LabelSession& session = *m_context.session;
  const bool toggle = modifiers & (Qt::ShiftModifier | Qt::ControlModifier);
  int64_t hit = 0;
  const auto objects = m_context.document->project().objectsOfImage(session.imageId());
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {  // topmost (newest) first
    if (!session.hidden().count((*it)->id) && mask::contains((*it)->mask, int(p.x()), int(p.y()))) {
      hit = (*it)->id;
      break;
    }
  }
  std::set<int64_t> next = toggle ? session.selection() : std::set<int64_t>{};
  if (hit && toggle && next.count(hit)) {
    next.erase(hit);
  } else if (hit) {
    next.insert(hit);
  }
  session.setSelection(next);
}

}  // namespace sam3::ui
