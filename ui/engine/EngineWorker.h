#pragma once
// Lives on the engine thread and owns the segmentation engine; never touched from the GUI
// thread except through queued calls.

#include <QImage>
#include <QObject>
#include <memory>

#include "engine/mask/BinaryMask.h"
#include "engine/prompt/InteractivePrompt.h"

namespace sam3::segment {
class Segmenter;
}

namespace sam3::ui {

class EngineWorker : public QObject {
  Q_OBJECT

 public:
  EngineWorker();
  ~EngineWorker() override;

 public Q_SLOTS:
  void setImage(const QImage& image, const QString& key);
  void predict(quint64 requestId, const sam3::prompt::InteractivePrompt& prompt);

 Q_SIGNALS:
  void imageReady(const QString& key, const QString& error);
  void predicted(quint64 requestId, const sam3::mask::BinaryMask& mask, double milliseconds, const QString& error);

 private:
  std::unique_ptr<segment::Segmenter> m_engine;
};

}  // namespace sam3::ui
