#pragma once
// Point tool: left click includes, right click or Shift+click excludes; every click re-predicts.
// With hover preview on, moving the mouse previews the mask an include click there would give.

#include <functional>

#include "ui/tools/CanvasTool.h"

namespace sam3::ui {

class PromptSession;

class PointTool : public CanvasTool {
 public:
  using HoverHandler = std::function<void(const QPointF& imagePos)>;
  explicit PointTool(PromptSession* session, HoverHandler onHover = {}) : m_session(session), m_onHover(std::move(onHover)) {}
  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;
  void move(const QPointF& imagePos, Qt::MouseButtons buttons) override {
    if (buttons == Qt::NoButton && m_onHover) m_onHover(imagePos);
  }

 private:
  PromptSession* m_session;
  HoverHandler m_onHover;
};

}  // namespace sam3::ui
