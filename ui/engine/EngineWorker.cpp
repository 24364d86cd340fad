#include "ui/engine/EngineWorker.h"

#include <exception>
#include <opencv2/core.hpp>

#include "engine/classic/ClassicSegmenter.h"

namespace sam3::ui {

EngineWorker::EngineWorker() : m_engine(std::make_unique<segment::ClassicSegmenter>()) {}

EngineWorker::~EngineWorker() = default;

void EngineWorker::setImage(const QImage& image, const QString& key) {
  // No exception may cross into the event loop: report failures as values.
  try {
    const QImage bgra = image.convertToFormat(QImage::Format_ARGB32);  // bytes B,G,R,A in memory
    const cv::Mat view(bgra.height(), bgra.width(), CV_8UC4, const_cast<uchar*>(bgra.constBits()), size_t(bgra.bytesPerLine()));
    const std::string error = m_engine->setImage(view, key.toStdString());
    Q_EMIT imageReady(key, QString::fromStdString(error));
  } catch (const std::exception& e) {
    Q_EMIT imageReady(key, QString::fromUtf8(e.what()));
  }
}

void EngineWorker::predict(quint64 requestId, const sam3::prompt::InteractivePrompt& prompt) {
  try {
    const segment::Prediction result = m_engine->predict(prompt);
    if (!result.error.empty() || result.candidates.empty()) {
      Q_EMIT predicted(requestId, {}, result.milliseconds, QString::fromStdString(result.error.empty() ? "no mask" : result.error));
      return;
    }
    Q_EMIT predicted(requestId, result.candidates.front().mask, result.milliseconds, QString());
  } catch (const std::exception& e) {
    Q_EMIT predicted(requestId, {}, 0.0, QString::fromUtf8(e.what()));
  }
}

}  // namespace sam3::ui
