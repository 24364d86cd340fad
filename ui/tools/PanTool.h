#pragma once
// Pan tool: dragging with the left button moves the view (the canvas also pans with the middle
// button or Space+drag under any tool).

#include <optional>

#include "ui/canvas/ImageCanvas.h"
#include "ui/canvas/CanvasTool.h"
#include "ui/tools/ToolContext.h"

namespace sam3::ui {

class PanTool : public CanvasTool {
 public:
  explicit PanTool(ToolContext context) : m_canvas(context.view) {}
  Qt::CursorShape cursor() const override { return m_anchor ? Qt::ClosedHandCursor : Qt::OpenHandCursor; }
  void deactivate() override { m_anchor.reset(); }

  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers) override {
    if (button == Qt::LeftButton) m_anchor = imagePos;
  }
  void move(const QPointF& imagePos, Qt::MouseButtons buttons) override {
    // Keep the image point grabbed at press under the cursor.
    if (m_anchor && (buttons & Qt::LeftButton)) m_canvas->panBy((imagePos - *m_anchor) * m_canvas->zoom());
  }
  void release(const QPointF&, Qt::MouseButton button) override {
    if (button == Qt::LeftButton) m_anchor.reset();
  }

 private:
  ImageCanvas* m_canvas;
  std::optional<QPointF> m_anchor;
};

}  // namespace sam3::ui
