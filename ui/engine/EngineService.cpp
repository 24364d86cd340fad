#include "ui/engine/EngineService.h"

#include <QStandardPaths>

#include "ui/engine/EngineWorker.h"
#include "ui/support/AppLogging.h"

namespace sam3::ui {
namespace {

// The log gets the code and the detail the user's message leaves out (the exception text).
void logFailure(const char* what, const segment::Status& status) {
  if (status.isCancelled()) return;
  qCWarning(lcEngine).noquote() << what << "failed (" << segment::nameOf(status.code) << "):" << QString::fromStdString(status.message)
                                << QString::fromStdString(status.detail);
}

constexpr double kFullEncodeMs = 1000;  // slower than any cache hit (disk hits of a 133 MB entry: ~0.2 s)
}  // namespace

void registerEngineMetaTypes() {
  qRegisterMetaType<sam3::mask::BinaryMask>();
  qRegisterMetaType<sam3::prompt::InteractivePrompt>();
  qRegisterMetaType<sam3::segment::Prediction>();
  qRegisterMetaType<sam3::segment::FindSimilarRequest>();
  qRegisterMetaType<sam3::segment::FindSimilarResult>();
  qRegisterMetaType<sam3::segment::Status>();
  qRegisterMetaType<sam3::ui::EngineDescription>();
  qRegisterMetaType<std::vector<sam3::ui::BatchHit>>();
}

EngineService::EngineService(QObject* parent, EngineFactory factory)
    : QObject(parent), m_worker(new EngineWorker(std::move(factory))) {
  registerEngineMetaTypes();
  m_engine.name = tr("classic");
  m_thread.setObjectName(QStringLiteral("engine"));
  m_worker->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
  connect(m_worker, &EngineWorker::predicted, this, &EngineService::onPredicted);
  connect(m_worker, &EngineWorker::imageReady, this, &EngineService::onImageReady);
  connect(m_worker, &EngineWorker::similarFound, this, [this](quint64 id, const segment::FindSimilarResult& result) {
    if (id != m_latestSimilarId) return;
    if (!result.status.ok() && result.instances.empty()) {
      logFailure("search", result.status);
      Q_EMIT similarFailed(id, result.status);
    } else {
      Q_EMIT similarReady(id, result);
    }
  });
  connect(m_worker, &EngineWorker::engineChanged, this, [this](const EngineDescription& description) {
    m_engine = description;
    m_expectedEncodingMs = 0;  // another model, another speed
    if (m_hasImage) {  // the new engine encodes the current image now
      m_encoding = true;
      m_encodingTimer.start();
      Q_EMIT imageEncodingStarted(QString());
    }
    Q_EMIT engineChanged(description);
  });
  connect(m_worker, &EngineWorker::engineLoadFailed, this, &EngineService::engineLoadFailed);
  connect(m_worker, &EngineWorker::progress, this, &EngineService::progress);
  connect(m_worker, &EngineWorker::preEncoded, this, &EngineService::preEncoded);
  connect(m_worker, &EngineWorker::batchImageDone, this, &EngineService::batchImageDone);
  connect(m_worker, &EngineWorker::batchFinished, this, &EngineService::batchFinished);
  m_thread.start(QThread::LowPriority);  // inference must not starve the GUI thread
  onWorker([](EngineWorker* w) { w->start(); });
}

EngineService::~EngineService() {
  m_preEncoding.cancel();
  m_batch.cancel();
  m_thread.quit();
  m_thread.wait();
}

void EngineService::onWorker(std::function<void(EngineWorker*)> call) {
  // A typed call, queued to the worker's thread (its event loop runs it there): the compiler
  // checks the method and its arguments, unlike a method name in a string.
  EngineWorker* worker = m_worker;
  QMetaObject::invokeMethod(worker, [worker, call = std::move(call)] { call(worker); }, Qt::QueuedConnection);
}

// Qt's cache folder: on Linux the same path as factory::defaultCacheDirectory() (GUI and CLI
// share one cache), and it follows QStandardPaths' test mode, which keeps GUI tests out of the
// user's cache.
QString EngineService::cacheDirectory() const {
  return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/embeddings");
}

void EngineService::setImage(const QImage& image, const QString& key) {
  m_pending.reset();
  m_latestId = m_nextId++;  // anything still running belongs to the previous image
  m_latestSimilarId = 0;
  m_preEncoding.cancel();
  m_encoding = true;
  m_hasImage = true;
  m_encodingTimer.start();
  Q_EMIT imageEncodingStarted(key);
  onWorker([image, key](EngineWorker* w) { w->setImage(image, key); });
}

void EngineService::onImageReady(const QString& key, const QString& error, double milliseconds, const QString& status) {
  m_encoding = false;
  // Cache hits answer in milliseconds; only a backbone run is a useful estimate.
  if (error.isEmpty() && milliseconds >= kFullEncodeMs) m_expectedEncodingMs = qint64(milliseconds);
  if (!status.isEmpty()) m_engine.status = status;
  Q_EMIT imageReady(key, error, milliseconds);
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

quint64 EngineService::requestFindSimilar(const segment::FindSimilarRequest& request) {
  const quint64 id = m_nextId++;
  m_latestSimilarId = id;
  onWorker([id, request](EngineWorker* w) { w->findSimilar(id, request); });
  return id;
}

quint64 EngineService::requestFindSimilarBatch(const std::vector<segment::FindSimilarRequest>& requests) {
  const quint64 id = m_nextId++;
  m_latestSimilarId = id;
  onWorker([id, requests](EngineWorker* w) { w->findSimilarBatch(id, requests); });
  return id;
}

quint64 EngineService::requestEverything(const segment::EverythingOptions& options) {
  cancelConcept();  // a newer request makes the older one's answer useless
  const quint64 id = m_nextId++;
  m_latestSimilarId = id;
  onWorker([id, options, cancel = m_concept.start()](EngineWorker* w) { w->segmentEverything(id, options, cancel); });
  return id;
}

void EngineService::cancelConcept() { m_concept.cancel(); }

void EngineService::loadBundle(const QString& directory, const QString& device, const QString& precision) {
  onWorker([directory, device, precision, cache = cacheDirectory()](EngineWorker* w) { w->loadBundle(directory, device, precision, cache); });
}

void EngineService::useClassic() {
  onWorker([](EngineWorker* w) { w->useClassic(); });
}

void EngineService::preEncode(const QStringList& paths) {
  onWorker([paths, cancel = m_preEncoding.start()](EngineWorker* w) { w->preEncode(paths, cancel); });
}

void EngineService::runBatch(const QStringList& paths, const segment::FindSimilarRequest& request) {
  runBatch(paths, std::vector<BatchPrompt>{{request, 0, QString()}});
}

void EngineService::runBatch(const QStringList& paths, const std::vector<BatchPrompt>& prompts) {
  m_preEncoding.cancel();  // the batch has the engine to itself
  onWorker([paths, prompts, cancel = m_batch.start()](EngineWorker* w) { w->runBatch(paths, prompts, cancel); });
}

void EngineService::cancelBatch() { m_batch.cancel(); }

void EngineService::send(quint64 requestId, const prompt::InteractivePrompt& prompt) {
  m_busy = true;
  onWorker([requestId, prompt](EngineWorker* w) { w->predict(requestId, prompt); });
}

void EngineService::onPredicted(quint64 requestId, const sam3::segment::Prediction& prediction) {
  m_busy = false;
  if (m_pending) {
    const auto next = *m_pending;
    m_pending.reset();
    send(next.first, next.second);
  }
  if (requestId != m_latestId) return;  // stale: a newer prompt is on its way
  if (!prediction.status.ok()) {
    logFailure("prediction", prediction.status);
    Q_EMIT predictionFailed(requestId, prediction.status);
  } else {
    Q_EMIT predictionReady(requestId, prediction);
  }
}

}  // namespace sam3::ui
