#pragma once
// Select/Edit tool: a click selects the topmost object under the cursor (Shift or Ctrl adds or
// removes it), a click on empty image clears the selection. Editing acts on the selection
// through menu actions and keys (Delete, digits, merge, split).

#include <QPointF>
#include <functional>

#include "ui/tools/CanvasTool.h"

namespace sam3::ui {

class SelectTool : public CanvasTool {
 public:
  using Handler = std::function<void(const QPointF& imagePos, bool toggle)>;
  explicit SelectTool(Handler onSelect) : m_onSelect(std::move(onSelect)) {}

  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override {
    if (button == Qt::LeftButton && m_onSelect) m_onSelect(imagePos, modifiers & (Qt::ShiftModifier | Qt::ControlModifier));
  }

 private:
  Handler m_onSelect;
};

}  // namespace sam3::ui
