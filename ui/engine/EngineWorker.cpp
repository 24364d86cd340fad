#include "ui/engine/EngineWorker.h"

#include <QEvent>
#include <exception>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/io/ImageLoader.h"
#include "engine/factory/EngineFactory.h"
#include "ui/support/Settings.h"

namespace sam3::ui {
namespace {

cv::Mat viewOf(const QImage& bgra) {
  return cv::Mat(bgra.height(), bgra.width(), CV_8UC4, const_cast<uchar*>(bgra.constBits()), size_t(bgra.bytesPerLine()));
}

}  // namespace

EngineWorker::EngineWorker(EngineFactory factory) : m_factory(std::move(factory)) {}

EngineWorker::~EngineWorker() = default;

bool EngineWorker::event(QEvent* event) {
  if (event->type() == QEvent::MetaCall) {
    m_sinceWork.restart();
    m_released = false;
  }
  return QObject::event(event);
}

void EngineWorker::start() {
  m_sinceWork.start();
  m_idleCheck = new QTimer(this);  // on the engine thread, like the engine
  m_idleCheck->setInterval(60 * 1000);
  connect(m_idleCheck, &QTimer::timeout, this, [this] {
    if (m_released || !m_engine || m_sinceWork.elapsed() < kIdleMinutes * 60 * 1000) return;
    m_engine->releaseIdleMemory();
    m_released = true;
  });
  m_idleCheck->start();
  try {
    install(m_factory ? m_factory() : classic());
  } catch (const std::exception& e) {
    Q_EMIT engineLoadFailed(QString::fromUtf8(e.what()));
    install(classic());
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
    const segment::Status status = m_engine->setImage(viewOf(m_image), key.toStdString());
    Q_EMIT imageReady(key, QString::fromStdString(status.message), double(timer.nsecsElapsed()) / 1e6,
                      QString::fromStdString(m_engine->statusText()));
  } catch (const std::exception& e) {
    Q_EMIT imageReady(key, QString::fromUtf8(e.what()), 0.0, QString());
  }
}

void EngineWorker::predict(quint64 requestId, const sam3::prompt::InteractivePrompt& prompt) {
  segment::Prediction result;
  try {
    result = m_engine->predict(prompt);
    if (result.status.ok() && result.candidates.empty()) result.status = segment::Status::engineFailure("the engine returned no mask");
  } catch (const std::exception& e) {
    result = {};
    result.status = segment::Status::engineFailure(e.what());
  }
  Q_EMIT predicted(requestId, result);
}

void EngineWorker::findSimilar(quint64 requestId, const sam3::segment::FindSimilarRequest& request) {
  segment::FindSimilarResult result;
  try {
    result = m_engine->findSimilar(request);
  } catch (const std::exception& e) {
    result = {};
    result.status = segment::Status::engineFailure(e.what());
  }
  Q_EMIT similarFound(requestId, result);
}

void EngineWorker::findSimilarBatch(quint64 requestId, const std::vector<sam3::segment::FindSimilarRequest>& requests) {
  std::vector<segment::FindSimilarResult> results;
  try {
    results = m_engine->findSimilarBatch(requests);
  } catch (const std::exception& e) {
    results.assign(requests.size(), {});
    for (segment::FindSimilarResult& r : results) r.status = segment::Status::engineFailure(e.what());
  }
  for (const segment::FindSimilarResult& result : results) Q_EMIT similarFound(requestId, result);
}

void EngineWorker::segmentEverything(quint64 requestId, const sam3::segment::EverythingOptions& options,
                                     const sam3::segment::CancelToken& cancel) {
  segment::FindSimilarResult result;
  try {
    result = m_engine->segmentEverything(options, cancel);
  } catch (const std::exception& e) {
    result = {};
    result.status = segment::Status::engineFailure(e.what());
  }
  Q_EMIT similarFound(requestId, result);
}

void EngineWorker::loadBundle(const QString& directory, const QString& device, const QString& precision, const QString& cacheDirectory) {
  Q_EMIT progress(tr("loading model bundle"), -1.0);
  segment::EngineOptions options;
  options.bundleDirectory = directory.toStdString();
  options.device = device.toStdString();
  options.precision = precision.toStdString();
  options.cacheDirectory = cacheDirectory.toStdString();
  std::string error;
  std::unique_ptr<segment::Segmenter> engine = factory::openEngine(options, error);
  if (!engine) {
    Q_EMIT engineLoadFailed(QString::fromStdString(error));  // the current engine stays
    return;
  }
  install(std::move(engine));
}

void EngineWorker::useClassic() { install(classic()); }

std::unique_ptr<segment::Segmenter> EngineWorker::classic() {
  std::string error;
  return factory::openEngine({}, error);  // the classic engine cannot fail to open
}

void EngineWorker::preEncode(const QStringList& paths, const sam3::segment::CancelToken& cancel) { preEncodeNext(paths, cancel); }

void EngineWorker::preEncodeNext(QStringList paths, const segment::CancelToken& cancel) {
  if (paths.isEmpty() || cancel.isCancelled()) return;
  const QString path = paths.takeFirst();
  QString error;
  try {
    const io::LoadedImage loaded = io::loadImage(path.toStdString(), settings::imageLimits());
    const cv::Mat& image = loaded.pixels;
    if (!loaded.error.empty()) {
      error = QString::fromStdString(loaded.error);
    } else {  // preEncode() returns at once for an image already in the cache
      error = QString::fromStdString(m_engine->preEncode(image, cancel).message);
    }
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
  }
  Q_EMIT preEncoded(path, error);
  // One image per event: user requests queued meanwhile run before the next one.
  QTimer::singleShot(0, this, [this, paths, cancel] { preEncodeNext(paths, cancel); });
}

void EngineWorker::runBatch(const QStringList& paths, const std::vector<sam3::ui::BatchPrompt>& prompts,
                            const sam3::segment::CancelToken& cancel) {
  batchNext(paths, int(paths.size()), prompts, cancel);
}

namespace {

// A found object as a batch hit: the mask as RLE and a thumbnail of its box with some context,
// the mask tinted, for the review gallery.
BatchHit makeHit(const cv::Mat& bgr, const QString& path, const segment::Instance& instance, const BatchPrompt& prompt,
                 int promptIndex) {
  BatchHit hit;
  hit.imagePath = path;
  hit.prompt = promptIndex;
  hit.tag = prompt.tag;
  hit.label = prompt.label;
  hit.mask = mask::encode(instance.mask);
  hit.box = instance.box;
  hit.score = instance.score;
  const double w = instance.box[2] - instance.box[0], h = instance.box[3] - instance.box[1];
  const cv::Rect crop = cv::Rect(int(instance.box[0] - 0.2 * w), int(instance.box[1] - 0.2 * h), int(1.4 * w) + 1, int(1.4 * h) + 1) &
                        cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (crop.area() <= 0 || bgr.depth() != CV_8U) return hit;
  cv::Mat tinted = bgr(crop).clone();
  const cv::Mat maskView(instance.mask.height(), instance.mask.width(), CV_8U, const_cast<uint8_t*>(instance.mask.data()));
  const cv::Mat overlay(tinted.size(), tinted.type(), cv::Scalar(0, 140, 255));  // BGR: the candidates' orange
  cv::Mat blended;
  cv::addWeighted(tinted, 0.55, overlay, 0.45, 0, blended);
  blended.copyTo(tinted, maskView(crop));
  const double f = 96.0 / std::max(crop.width, crop.height);
  cv::resize(tinted, tinted, cv::Size(), f, f, f < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::cvtColor(tinted, tinted, cv::COLOR_BGR2RGB);
  hit.thumbnail = QImage(tinted.data, tinted.cols, tinted.rows, int(tinted.step), QImage::Format_RGB888).copy();
  return hit;
}

}  // namespace

void EngineWorker::batchNext(QStringList paths, int total, std::vector<sam3::ui::BatchPrompt> prompts, const segment::CancelToken& cancel) {
  if (cancel.isCancelled() || paths.isEmpty()) {
    if (!m_image.isNull()) setImage(m_image, m_key);  // the user's image again
    Q_EMIT batchFinished(cancel.isCancelled());
    return;
  }
  const QString path = paths.takeFirst();
  std::vector<BatchHit> hits;
  QString error;
  try {
    // Oriented as the window shows it: the hits' masks are in the frame the objects are drawn in.
    const io::LoadedImage loaded = io::loadImage(path.toStdString(), settings::imageLimits());
    if (!loaded.error.empty()) throw std::runtime_error(loaded.error);
    const cv::Mat& image = loaded.pixels;
    const segment::Status set = m_engine->setImage(image, path.toStdString());
    if (!set.ok()) throw std::runtime_error(set.message);
    cv::Mat bgr = image;
    if (image.channels() == 4) cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
    if (image.channels() == 1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
    std::vector<segment::FindSimilarRequest> requests;
    for (const BatchPrompt& prompt : prompts) requests.push_back(prompt.request);
    const std::vector<segment::FindSimilarResult> results = m_engine->findSimilarBatch(requests);  // one call: SAM3 batches phrases
    for (size_t p = 0; p < prompts.size(); ++p) {  // the image is encoded once for all of them
      const segment::FindSimilarResult& result = results[p];
      if (!result.status.ok()) error = QString::fromStdString(result.status.message);
      for (const segment::Instance& instance : result.instances) hits.push_back(makeHit(bgr, path, instance, prompts[p], int(p)));
    }
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
  }
  Q_EMIT batchImageDone(total - int(paths.size()), total, hits, error);
  QTimer::singleShot(0, this, [this, paths, total, prompts, cancel] { batchNext(paths, total, prompts, cancel); });
}

}  // namespace sam3::ui
