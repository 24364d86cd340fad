#pragma once
// Engine values that cross the GUI/engine thread boundary in queued signals.

#include <QImage>
#include <QMetaType>
#include <QString>
#include <functional>
#include <memory>

#include "engine/mask/BinaryMask.h"
#include "engine/mask/Rle.h"
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

// One object found by a folder batch: the mask (RLE, so a batch over many images stays
// small), its box and score, and a thumbnail for the review gallery.
struct BatchHit {
  QString imagePath;
  int tag = 0;    // the prompt's tag (class names as prompts: the class id; 0: none)
  QString label;  // the prompt's label (the class name), for the review gallery
  int prompt = 0; // the prompt's index in the batch (two phrases of one class differ)
  mask::Rle mask;
  std::array<double, 4> box{};
  double score = 0;
  QImage thumbnail;
};

// One prompt of a folder batch, with the tag and label its hits carry.
struct BatchPrompt {
  segment::FindSimilarRequest request;
  int tag = 0;
  QString label;
};

void registerEngineMetaTypes();

}  // namespace sam3::ui

Q_DECLARE_METATYPE(sam3::mask::BinaryMask)
Q_DECLARE_METATYPE(sam3::prompt::InteractivePrompt)
Q_DECLARE_METATYPE(sam3::segment::Prediction)
Q_DECLARE_METATYPE(sam3::segment::FindSimilarRequest)
Q_DECLARE_METATYPE(sam3::segment::FindSimilarResult)
Q_DECLARE_METATYPE(sam3::segment::Status)
Q_DECLARE_METATYPE(sam3::ui::EngineDescription)
Q_DECLARE_METATYPE(std::vector<sam3::ui::BatchHit>)
