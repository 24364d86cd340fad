#include "ui/engine/EngineService.h"

#include "ui/engine/EngineWorker.h"

namespace sam3::ui {

EngineService::EngineService(QObject* parent) : QObject(parent), m_worker(new EngineWorker) {
  qRegisterMetaType<sam3::mask::BinaryMask>();
  qRegisterMetaType<sam3::prompt::InteractivePrompt>();
  m_thread.setObjectName(QStringLiteral("engine"));
  m_worker->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
  connect(m_worker, &EngineWorker::predicted, this, &EngineService::onPredicted);
  m_thread.start(QThread::LowPriority);  // inference must not starve the GUI thread
}

EngineService::~EngineService() {
  m_thread.quit();
  m_thread.wait();
}

void EngineService::setImage(const QImage& image, const QString& key) {
  m_pending.reset();
  m_latestId = m_nextId++;  // anything still running belongs to the previous image
  QMetaObject::invokeMethod(m_worker, "setImage", Qt::QueuedConnection, Q_ARG(QImage, image), Q_ARG(QString, key));
}

quint64 EngineService::requestPrediction(const prompt::InteractivePrompt& prompt) {
  const quint64 id = m_nextId++;
  m_latestId = id;
  if (m_busy) {
    m_pending = std::make_pair(id, prompt);  // replaces any older queued request
  } else {
    send(id, prompt);
  }
  return id;
}

void EngineService::send(quint64 requestId, const prompt::InteractivePrompt& prompt) {
  m_busy = true;
  QMetaObject::invokeMethod(m_worker, "predict", Qt::QueuedConnection, Q_ARG(quint64, requestId),
                            Q_ARG(sam3::prompt::InteractivePrompt, prompt));
}

void EngineService::onPredicted(quint64 requestId, const sam3::mask::BinaryMask& mask, double milliseconds, const QString& error) {
  m_busy = false;
  if (m_pending) {
    const auto next = *m_pending;
    m_pending.reset();
    send(next.first, next.second);
  }
  if (requestId != m_latestId) return;  // stale: a newer prompt is on its way
  if (!error.isEmpty()) {
    Q_EMIT predictionFailed(requestId, error);
  } else {
    Q_EMIT predictionReady(requestId, mask, milliseconds);
  }
}

}  // namespace sam3::ui
