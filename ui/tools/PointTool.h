#pragma once
// Point tool: left click includes, right click or Shift+click excludes; every click re-predicts.

#include "ui/tools/CanvasTool.h"

namespace sam3::ui {

class PromptSession;

class PointTool : public CanvasTool {
 public:
  explicit PointTool(PromptSession* session) : m_session(session) {}
  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;

 private:
  PromptSession* m_session;
};

}  // namespace sam3::ui
