#pragma once
// Select/Edit tool: a click selects the topmost visible object under the cursor (Shift or Ctrl
// adds or removes it), a click on empty image clears the selection. Editing acts on the
// selection through menu actions and keys (Delete, digits, merge, split).

#include "ui/canvas/CanvasTool.h"
#include "ui/tools/ToolContext.h"

namespace sam3::ui {

class SelectTool : public CanvasTool {
 public:
  explicit SelectTool(ToolContext context) : m_context(context) {}
  Qt::CursorShape cursor() const override { return Qt::ArrowCursor; }
  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;

 private:
  ToolContext m_context;
};

}  // namespace sam3::ui
