#include "ui/session/PromptSession.h"

namespace sam3::ui {

void PromptSession::addClick(const QPointF& p, bool positive) {
  m_prompt.clicks.push_back({p.x(), p.y(), positive});
  Q_EMIT changed();
}

void PromptSession::paint(const mask::BinaryMask& stroke, bool erase) {
  if (stroke.empty()) return;
  if (m_painted.height() != stroke.height() || m_painted.width() != stroke.width()) {
    m_painted = mask::BinaryMask(stroke.height(), stroke.width());
  }
  uint8_t* dst = m_painted.data();
  const uint8_t* src = stroke.data();
  for (int64_t i = 0, n = stroke.pixelCount(); i < n; ++i) {
    if (src[i]) dst[i] = erase ? 0 : 1;
  }
  const std::vector<uint8_t> pixels(m_painted.data(), m_painted.data() + m_painted.pixelCount());
  m_prompt.maskLogits = m_painted.area() > 0 ? prompt::paintedMaskToLogits(pixels, m_painted.height(), m_painted.width())
                                             : std::vector<float>{};
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
  m_painted = {};
  m_preview.reset();
  Q_EMIT changed();
}

}  // namespace sam3::ui
