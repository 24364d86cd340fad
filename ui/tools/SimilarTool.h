#pragma once
// Find-similar tool: drag exemplar boxes (left = "like this", right or Shift = "not like
// this"); every new exemplar asks the engine for all similar objects, which appear as
// candidates. A click (no drag) on a candidate rejects it; Enter accepts the rest.

#include <QPointF>
#include <QRectF>
#include <functional>
#include <optional>
#include <vector>

#include "ui/tools/CanvasTool.h"

namespace sam3::ui {

class SimilarTool : public CanvasTool {
 public:
  struct Exemplar {
    QRectF box;
    bool positive = true;
  };
  using ExemplarHandler = std::function<void()>;
  using ClickHandler = std::function<void(const QPointF& imagePos)>;

  SimilarTool(ExemplarHandler onExemplars, ClickHandler onClick)
      : m_onExemplars(std::move(onExemplars)), m_onClick(std::move(onClick)) {}

  const std::vector<Exemplar>& exemplars() const { return m_exemplars; }
  void addExemplar(const QRectF& box, bool positive);
  void clear() { m_exemplars.clear(); m_drag.reset(); }

  void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) override;
  void move(const QPointF& imagePos, Qt::MouseButtons buttons) override;
  void release(const QPointF& imagePos, Qt::MouseButton button) override;
  void paintOverlay(QPainter& painter, const CanvasMapping& mapping) const override;
  bool tracksHover() const override { return m_drag.has_value(); }

 private:
  ExemplarHandler m_onExemplars;
  ClickHandler m_onClick;
  std::vector<Exemplar> m_exemplars;
  std::optional<QPointF> m_start;
  std::optional<Exemplar> m_drag;
};

}  // namespace sam3::ui
