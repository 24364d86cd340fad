#include "ui/engine/EngineWorker.h"

#include <QElapsedTimer>
#include <QTimer>
#include <exception>
#include <opencv2/imgcodecs.hpp>

#include "engine/classic/ClassicSegmenter.h"
#include "engine/sam3/Sam3Segmenter.h"

namespace sam3::ui {
namespace {

cv::Mat viewOf(const QImage& bgra) {
  return cv::Mat(bgra.height(), bgra.width(), CV_8UC4, const_cast<uchar*>(bgra.constBits()), size_t(bgra.bytesPerLine()));
}

}  // namespace

EngineWorker::EngineWorker(EngineFactory factory) : m_factory(std::move(factory)) {}

EngineWorker::~EngineWorker() = default;

void EngineWorker::start() {
  try {
    install(m_factory ? m_factory() : std::make_unique<segment::ClassicSegmenter>());
  } catch (const std::exception& e) {
    Q_EMIT engineLoadFailed(QString::fromUtf8(e.what()));
    install(std::make_unique<segment::ClassicSegmenter>());
  }
}

void EngineWorker::install(std::unique_ptr<segment::Segmenter> engine) {
  m_engine = std::move(engine);
  m_engine->setProgressCallback([this](const std::string& stage, double fraction) {
    Q_EMIT progress(QString::fromStdString(stage), fraction);
  });
  Q_EMIT engineChanged({QString::fromStdString(m_engine->name()), QString::fromStdString(m_engine->statusText()),
                        m_engine->capabilities()});
  if (!m_image.isNull()) setImage(m_image, m_key);
}

void EngineWorker::setImage(const QImage& image, const QString& key) {
  QElapsedTimer timer;
  timer.start();
  try {
    // RGB32 and ARGB32 are bytes B,G,R,A in memory already: share, do not copy (a 100 MP image
    // is 400 MB per copy).
    m_image = image.format() == QImage::Format_RGB32 || image.format() == QImage::Format_ARGB32
                  ? image
                  : image.convertToFormat(QImage::Format_ARGB32);
    m_key = key;
    const std::string error = m_engine->setImage(viewOf(m_image), key.toStdString());
    Q_EMIT imageReady(key, QString::fromStdString(error), double(timer.nsecsElapsed()) / 1e6,
                      QString::fromStdString(m_engine->statusText()));
  } catch (const std::exception& e) {
    Q_EMIT imageReady(key, QString::fromUtf8(e.what()), 0.0, QString());
  }
}

void EngineWorker::predict(quint64 requestId, const sam3::prompt::InteractivePrompt& prompt) {
  segment::Prediction result;
  try {
    result = m_engine->predict(prompt);
    if (result.error.empty() && result.candidates.empty()) result.error = "the engine returned no mask";
  } catch (const std::exception& e) {
    result = {};
    result.error = e.what();
  }
  Q_EMIT predicted(requestId, result);
}

void EngineWorker::findSimilar(quint64 requestId, const sam3::segment::FindSimilarRequest& request) {
  segment::FindSimilarResult result;
  try {
    result = m_engine->findSimilar(request);
  } catch (const std::exception& e) {
    result = {};
    result.error = e.what();
  }
  Q_EMIT similarFound(requestId, result);
}

void EngineWorker::loadBundle(const QString& directory, const QString& device, const QString& cacheDirectory) {
  Q_EMIT progress(tr("loading model bundle"), -1.0);
  segment::Sam3SegmenterOptions options;
  options.bundleDirectory = directory.toStdString();
  options.device = device.toStdString();
  options.cacheDirectory = cacheDirectory.toStdString();
  std::string error;
  std::unique_ptr<segment::Sam3Segmenter> engine;
  try {
    engine = segment::Sam3Segmenter::open(options, error);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!engine) {
    Q_EMIT engineLoadFailed(QString::fromStdString(error));  // the current engine stays
    return;
  }
  install(std::move(engine));
}

void EngineWorker::useClassic() { install(std::make_unique<segment::ClassicSegmenter>()); }

void EngineWorker::preEncode(const QStringList& paths, quint64 generation) { preEncodeNext(paths, generation); }

void EngineWorker::preEncodeNext(QStringList paths, quint64 generation) {
  if (paths.isEmpty() || generation != preEncodeGeneration.load()) return;
  const QString path = paths.takeFirst();
  QString error;
  try {
    const cv::Mat image = cv::imread(path.toStdString(), cv::IMREAD_UNCHANGED);
    if (image.empty()) {
      error = tr("cannot read %1").arg(path);
    } else if (!m_engine->isEncoded(image)) {
      auto cancel = std::make_shared<std::atomic<bool>>(generation != preEncodeGeneration.load());
      error = QString::fromStdString(m_engine->preEncode(image, cancel));
    }
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
  }
  Q_EMIT preEncoded(path, error);
  // One image per event: user requests queued meanwhile run before the next one.
  QTimer::singleShot(0, this, [this, paths, generation] { preEncodeNext(paths, generation); });
}

}  // namespace sam3::ui
