#pragma once
// GUI-side front of the engine thread. Requests carry increasing ids; while one runs, a newer
// request replaces any queued one (latest wins) and results of superseded requests are
// dropped, so the overlay always converges on the newest prompt and the GUI never waits.

#include <QImage>
#include <QObject>
#include <QThread>
#include <optional>

#include "engine/mask/BinaryMask.h"
#include "engine/prompt/InteractivePrompt.h"

namespace sam3::ui {

class EngineWorker;

class EngineService : public QObject {
  Q_OBJECT

 public:
  explicit EngineService(QObject* parent = nullptr);
  ~EngineService() override;

  void setImage(const QImage& image, const QString& key);
  quint64 requestPrediction(const prompt::InteractivePrompt& prompt);
  bool busy() const { return m_busy; }

 Q_SIGNALS:
  void predictionReady(quint64 requestId, const sam3::mask::BinaryMask& mask, double milliseconds);
  void predictionFailed(quint64 requestId, const QString& error);

 private Q_SLOTS:
  void onPredicted(quint64 requestId, const sam3::mask::BinaryMask& mask, double milliseconds, const QString& error);

 private:
  void send(quint64 requestId, const prompt::InteractivePrompt& prompt);

  QThread m_thread;
  EngineWorker* m_worker = nullptr;  // owned by m_thread (deleteLater on finish)
  quint64 m_nextId = 1;
  quint64 m_latestId = 0;
  bool m_busy = false;
  std::optional<std::pair<quint64, prompt::InteractivePrompt>> m_pending;
};

}  // namespace sam3::ui

Q_DECLARE_METATYPE(sam3::mask::BinaryMask)
Q_DECLARE_METATYPE(sam3::prompt::InteractivePrompt)
