#pragma once
// Engine values that cross the GUI/engine thread boundary in queued signals.

#include <QMetaType>
#include <functional>
#include <memory>

#include "engine/mask/BinaryMask.h"
#include "engine/prompt/InteractivePrompt.h"
#include "engine/segment/Segmenter.h"

namespace sam3::ui {

// Creates the engine on the engine thread (tests inject fakes; the default is the classic one).
using EngineFactory = std::function<std::unique_ptr<segment::Segmenter>()>;

struct EngineDescription {
  QString name;
  QString status;  // Segmenter::statusText()
  segment::Capabilities capabilities;
};

void registerEngineMetaTypes();

}  // namespace sam3::ui

Q_DECLARE_METATYPE(sam3::mask::BinaryMask)
Q_DECLARE_METATYPE(sam3::prompt::InteractivePrompt)
Q_DECLARE_METATYPE(sam3::segment::Prediction)
Q_DECLARE_METATYPE(sam3::segment::FindSimilarRequest)
Q_DECLARE_METATYPE(sam3::segment::FindSimilarResult)
Q_DECLARE_METATYPE(sam3::ui::EngineDescription)
