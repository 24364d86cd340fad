#pragma once
// A canvas tool receives mouse events in image coordinates; one class per tool.

#include <QPointF>
#include <Qt>

namespace sam3::ui {

class CanvasTool {
 public:
  virtual ~CanvasTool() = default;
  virtual void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) = 0;
  virtual void move(const QPointF& imagePos, Qt::MouseButtons buttons) { (void)imagePos; (void)buttons; }
  virtual void release(const QPointF& imagePos, Qt::MouseButton button) { (void)imagePos; (void)button; }
};

}  // namespace sam3::ui
