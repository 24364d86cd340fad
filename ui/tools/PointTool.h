#pragma once
// Point tool: left click includes, right click or Shift+click excludes; every click re-predicts.
// With hover preview on, moving the mouse previews the mask an include click there would give.

#include "ui/canvas/CanvasTool.h"
#include "ui/tools/ToolContext.h"

namespace sam3::ui {

class PointTool : public CanvasTool {
 public:
  explicit PointTool(ToolContext context) : m_context(context) {}
  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;
  void move(const QPointF& imagePos, Qt::MouseButtons buttons) override;

 private:
  ToolContext m_context;
};

}  // namespace sam3::ui
