#pragma once
// GUI-side front of the engine thread. Requests carry increasing ids; while one runs, a newer
// request replaces any queued one (latest wins) and results of superseded requests are
// dropped, so the overlay always converges on the newest prompt and the GUI never waits.
// Also: switching engines (a SAM3 bundle, or back to classic), exemplar searches, progress of
// long steps, and background pre-encoding of the folder's next images.

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QStringList>
#include <QThread>
#include <functional>
#include <optional>

#include "ui/engine/EngineTypes.h"

namespace sam3::ui {

class EngineWorker;

class EngineService : public QObject {
  Q_OBJECT

 public:
  explicit EngineService(QObject* parent = nullptr, EngineFactory factory = {});
  ~EngineService() override;

  void setImage(const QImage& image, const QString& key);
  quint64 requestPrediction(const prompt::InteractivePrompt& prompt);
  quint64 requestFindSimilar(const segment::FindSimilarRequest& request);
  // Several concept prompts at once (class names as prompts): one similarReady (or
  // similarFailed) per request, in order, under the one id returned.
  quint64 requestFindSimilarBatch(const std::vector<segment::FindSimilarRequest>& requests);
  // Segment everything on the current image; the instances arrive as similarReady (or
  // similarFailed, StatusCode::Cancelled after cancelConcept()). Stops between batches of clicks.
  quint64 requestEverything(const segment::EverythingOptions& options);
  void cancelConcept();
  void loadBundle(const QString& directory, const QString& device = QStringLiteral("auto"), const QString& precision = QStringLiteral("auto"));
  void useClassic();
  // Encodes these images in the background, one at a time, after any user request; a new list
  // (or a new current image) abandons the old one.
  void preEncode(const QStringList& paths);

  // Runs a find-similar batch over `paths` (exemplar patches in the request); progress and
  // results arrive per image; cancelBatch() stops after the current image.
  void runBatch(const QStringList& paths, const segment::FindSimilarRequest& request);
  // Several prompts on every image (each image encoded once): e.g. every class name.
  void runBatch(const QStringList& paths, const std::vector<BatchPrompt>& prompts);
  void cancelBatch();

  bool busy() const { return m_busy; }
  bool encodingImage() const { return m_encoding; }
  qint64 encodingElapsedMs() const { return m_encoding ? m_encodingTimer.elapsed() : 0; }
  // How long the engine's last full encode (not a cache hit) took, as the estimate for the next
  // one; 0 until one has run. A SAM3 backbone on a CPU takes tens of seconds to minutes.
  qint64 expectedEncodingMs() const { return m_expectedEncodingMs; }
  const EngineDescription& engine() const { return m_engine; }
  QString cacheDirectory() const;

 Q_SIGNALS:
  void predictionReady(quint64 requestId, const sam3::segment::Prediction& prediction);
  void predictionFailed(quint64 requestId, const sam3::segment::Status& status);
  void similarReady(quint64 requestId, const sam3::segment::FindSimilarResult& result);
  void similarFailed(quint64 requestId, const sam3::segment::Status& status);
  void engineChanged(const sam3::ui::EngineDescription& description);
  void engineLoadFailed(const QString& error);
  void imageEncodingStarted(const QString& key);
  void imageReady(const QString& key, const QString& error, double milliseconds);
  void progress(const QString& stage, double fraction);
  void preEncoded(const QString& path, const QString& error);
  void batchImageDone(int done, int total, const std::vector<sam3::ui::BatchHit>& hits, const QString& error);
  void batchFinished(bool cancelled);

 private Q_SLOTS:
  void onPredicted(quint64 requestId, const sam3::segment::Prediction& prediction);
  void onImageReady(const QString& key, const QString& error, double milliseconds, const QString& status);

 private:
  void send(quint64 requestId, const prompt::InteractivePrompt& prompt);
  void onWorker(std::function<void(EngineWorker*)> call);

  QThread m_thread;
  EngineWorker* m_worker = nullptr;  // owned by m_thread (deleteLater on finish)
  EngineDescription m_engine;
  quint64 m_nextId = 1;
  quint64 m_latestId = 0;
  quint64 m_latestSimilarId = 0;
  segment::CancelStream m_concept;     // the running segment-everything request
  segment::CancelStream m_preEncoding;  // background pre-encoding of the next images
  segment::CancelStream m_batch;        // a folder batch
  bool m_busy = false;
  bool m_encoding = false;
  bool m_hasImage = false;
  QElapsedTimer m_encodingTimer;
  qint64 m_expectedEncodingMs = 0;
  std::optional<std::pair<quint64, prompt::InteractivePrompt>> m_pending;
};

}  // namespace sam3::ui
