#pragma once
// A canvas tool receives mouse events in image coordinates; one class per tool. Tools may draw
// their own feedback (a brush circle, exemplar boxes) over the image.

#include <QPointF>
#include <Qt>
#include <functional>

class QPainter;

namespace sam3::ui {

// Image -> widget coordinates, and the zoom, for tools drawing their feedback.
struct CanvasMapping {
  std::function<QPointF(const QPointF&)> toWidget;
  double scale = 1.0;
};

class CanvasTool {
 public:
  virtual ~CanvasTool() = default;
  virtual void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers) = 0;
  virtual void move(const QPointF& imagePos, Qt::MouseButtons buttons) { (void)imagePos; (void)buttons; }
  virtual void release(const QPointF& imagePos, Qt::MouseButton button) { (void)imagePos; (void)button; }
  // True when the tool used the wheel event (e.g. brush radius with Ctrl); the canvas zooms otherwise.
  virtual bool wheel(int angleDelta, Qt::KeyboardModifiers modifiers) { (void)angleDelta; (void)modifiers; return false; }
  virtual void paintOverlay(QPainter& painter, const CanvasMapping& mapping) const { (void)painter; (void)mapping; }
  // The canvas repaints on every mouse move for tools that draw at the cursor.
  virtual bool tracksHover() const { return false; }
  virtual Qt::CursorShape cursor() const { return Qt::CrossCursor; }
  // The canvas calls these when the tool becomes current and when another replaces it: a tool
  // drops a drag in progress there (a key that switches tools mid-drag left the box drawn).
  virtual void activate() {}
  virtual void deactivate() {}
};

}  // namespace sam3::ui
