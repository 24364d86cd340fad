#pragma once
// Lives on the engine thread and owns the segmentation engine; never touched from the GUI
// thread except through queued calls. Every entry point reports failures as values: no
// exception reaches the event loop. Background pre-encoding runs one image per event, so any
// user request queued meanwhile is served first.

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QTimer>
#include <QStringList>
#include <atomic>
#include <memory>

#include "ui/engine/EngineTypes.h"

namespace sam3::ui {

class EngineWorker : public QObject {
  Q_OBJECT

 public:
  explicit EngineWorker(EngineFactory factory);
  ~EngineWorker() override;

 public Q_SLOTS:
  void start();  // creates the engine (on the engine thread)
  void setImage(const QImage& image, const QString& key);
  void predict(quint64 requestId, const sam3::prompt::InteractivePrompt& prompt);
  void findSimilar(quint64 requestId, const sam3::segment::FindSimilarRequest& request);
  // Several concept prompts in one engine call (SAM3 batches phrases); one similarFound each, in order.
  void findSimilarBatch(quint64 requestId, const std::vector<sam3::segment::FindSimilarRequest>& requests);
  void segmentEverything(quint64 requestId, const sam3::segment::EverythingOptions& options, const sam3::segment::CancelToken& cancel);
  void loadBundle(const QString& directory, const QString& device, const QString& precision, const QString& cacheDirectory);
  void useClassic();
  // Pre-encoding and folder batches run one image per event until `cancel` (the GUI thread's
  // CancelStream cancels it when newer work starts); a cancelled batch keeps what it reported.
  void preEncode(const QStringList& paths, const sam3::segment::CancelToken& cancel);
  // Finds objects like the request's exemplar patches in every image.
  void runBatch(const QStringList& paths, const std::vector<sam3::ui::BatchPrompt>& prompts, const sam3::segment::CancelToken& cancel);

 Q_SIGNALS:
  void engineChanged(const sam3::ui::EngineDescription& description);
  void engineLoadFailed(const QString& error);
  void imageReady(const QString& key, const QString& error, double milliseconds, const QString& status);
  void predicted(quint64 requestId, const sam3::segment::Prediction& prediction);
  void similarFound(quint64 requestId, const sam3::segment::FindSimilarResult& result);
  void progress(const QString& stage, double fraction);
  void preEncoded(const QString& path, const QString& error);
  void batchImageDone(int done, int total, const std::vector<sam3::ui::BatchHit>& hits, const QString& error);
  void batchFinished(bool cancelled);

 protected:
  bool event(QEvent* event) override;  // every queued call counts as work (for the idle release)

 private:
  void install(std::unique_ptr<segment::Segmenter> engine);
  static std::unique_ptr<segment::Segmenter> classic();
  void preEncodeNext(QStringList paths, const segment::CancelToken& cancel);
  void batchNext(QStringList paths, int total, std::vector<sam3::ui::BatchPrompt> prompts, const segment::CancelToken& cancel);

 private:

  EngineFactory m_factory;
  std::unique_ptr<segment::Segmenter> m_engine;
  QImage m_image;  // the current image, to re-set it on a new engine
  QString m_key;
  // After kIdleMinutes without a call the engine gives back what it can load again (SAM3's
  // 1.4 GB text encoder); the next phrase loads it again in a second or two.
  static constexpr int kIdleMinutes = 5;
  QTimer* m_idleCheck = nullptr;
  QElapsedTimer m_sinceWork;
  bool m_released = false;
};

}  // namespace sam3::ui
