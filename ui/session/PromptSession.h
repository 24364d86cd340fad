#pragma once
// The prompt of the object being made: clicks and a box in image pixels, plus the box being
// dragged (preview only). Tools edit it; the main window turns changes into predictions.

#include <QObject>
#include <QRectF>
#include <optional>

#include "engine/mask/BinaryMask.h"
#include "engine/prompt/InteractivePrompt.h"

namespace sam3::ui {

class PromptSession : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;

  const prompt::InteractivePrompt& prompt() const { return m_prompt; }
  const std::optional<QRectF>& previewBox() const { return m_preview; }

  void addClick(const QPointF& imagePos, bool positive);
  // A brush stroke used as a prompt: painted areas are added (or erased) in a mask the size
  // of the image, which becomes the mask prompt (SAM3: logits; classic: seeds).
  void paint(const mask::BinaryMask& stroke, bool erase);
  const mask::BinaryMask& paintedMask() const { return m_painted; }
  void setBox(const QRectF& box);
  void setPreviewBox(const std::optional<QRectF>& box);
  void clear();

 Q_SIGNALS:
  void changed();         // the prompt changed: predict again
  void previewChanged();  // only the drag preview changed: repaint

 private:
  prompt::InteractivePrompt m_prompt;
  mask::BinaryMask m_painted;
  std::optional<QRectF> m_preview;
};

}  // namespace sam3::ui
