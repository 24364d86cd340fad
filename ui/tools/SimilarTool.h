#pragma once
// Find-similar tool: drag exemplar boxes (left = "like this", right or Shift = "not like
// this"); every new exemplar asks the engine for all similar objects, which appear as
// candidates. A click (no drag) on a candidate rejects it; Enter accepts the rest.

#include <QPointF>
#include <QRectF>
#include <optional>

#include "ui/canvas/CanvasTool.h"
#include "ui/session/LabelSession.h"
#include "ui/tools/ToolContext.h"

namespace sam3::ui {

class SimilarTool : public CanvasTool {
 public:
  explicit SimilarTool(ToolContext context) : m_context(context) {}
  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;
  void move(const QPointF& imagePos, Qt::MouseButtons buttons) override;
  void release(const QPointF& imagePos, Qt::MouseButton button) override;
  void paintOverlay(QPainter& painter, const CanvasMapping& mapping) const override;
  bool tracksHover() const override { return m_drag.has_value(); }
  void deactivate() override {  // an exemplar drag in progress is dropped, not left drawn
    m_start.reset();
    m_drag.reset();
  }

 private:
  ToolContext m_context;
  std::optional<QPointF> m_start;
  std::optional<LabelSession::Exemplar> m_drag;
};

}  // namespace sam3::ui
