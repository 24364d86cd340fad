#pragma once
// Box tool: drag a box (any direction); a new drag replaces the box; clicks made with the
// point tool are kept and combined with it.

#include <optional>

#include "ui/canvas/CanvasTool.h"
#include "ui/tools/ToolContext.h"

namespace sam3::ui {

class PromptSession;


class BoxTool : public CanvasTool {
 public:
  explicit BoxTool(ToolContext context);
  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;
  void move(const QPointF& imagePos, Qt::MouseButtons buttons) override;
  void release(const QPointF& imagePos, Qt::MouseButton button) override;
  void deactivate() override;  // a drag in progress is dropped with its preview box

 private:
  PromptSession* m_session;  // the session's prompt
  std::optional<QPointF> m_start;
};

}  // namespace sam3::ui
