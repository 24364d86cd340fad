#include "ui/tools/PromptSession.h"

namespace sam3::ui {

void PromptSession::addClick(const QPointF& p, bool positive) {
  m_prompt.clicks.push_back({p.x(), p.y(), positive});
  Q_EMIT changed();
}

void PromptSession::setBox(const QRectF& box) {
  const QRectF r = box.normalized();
  m_prompt.box = std::array<double, 4>{r.left(), r.top(), r.right(), r.bottom()};
  m_preview.reset();
  Q_EMIT changed();
}

void PromptSession::setPreviewBox(const std::optional<QRectF>& box) {
  m_preview = box;
  Q_EMIT previewChanged();
}

void PromptSession::clear() {
  m_prompt = {};
  m_preview.reset();
  Q_EMIT changed();
}

}  // namespace sam3::ui
