#include "ui/controllers/BatchController.h"

#include <QProgressDialog>
#include <algorithm>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "ui/support/AppLogging.h"
#include "ui/dialogs/ReviewGallery.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/controllers/FolderController.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"

namespace sam3::ui {
namespace {

// The exemplar boxes as image patches (the engine searches other images for them).
// The exemplars drawn on `image` for the other images: as pixel patches (the classic engine)
// and as boxes with their image (SAM3 pools their features there).
segment::FindSimilarRequest exemplarsOf(const QImage& image, const std::vector<LabelSession::Exemplar>& exemplars) {
  segment::FindSimilarRequest request;
  const cv::Mat bgra(image.height(), image.width(), CV_8UC4, const_cast<uchar*>(image.constBits()), size_t(image.bytesPerLine()));
  cv::cvtColor(bgra, request.source.image, cv::COLOR_BGRA2BGR);  // owned: the batch runs on the engine thread
  for (const LabelSession::Exemplar& e : exemplars) {
    const QRect box = e.box.toAlignedRect().intersected(image.rect());
    if (box.width() < 2 || box.height() < 2) continue;
    cv::Mat patch;
    cv::cvtColor(bgra(cv::Rect(box.x(), box.y(), box.width(), box.height())), patch, cv::COLOR_BGRA2BGR);
    request.patches.push_back({patch, e.positive});
    request.source.exemplars.push_back({{double(box.left()), double(box.top()), double(box.right() + 1), double(box.bottom() + 1)}, e.positive});
  }
  return request;
}

}  // namespace

BatchController::BatchController(LabelSession* session, FolderController* folders, ImageCanvas* canvas, QWidget* window)
    : QObject(window), m_session(session), m_folders(folders), m_canvas(canvas), m_window(window) {}

bool BatchController::labelFolderWithExemplars() {
  const QStringList images = m_folders->folder().images();
  if (images.isEmpty() || !m_canvas->hasImage()) return false;
  const segment::FindSimilarRequest request = exemplarsOf(m_canvas->image(), m_session->exemplars());
  if (request.patches.empty()) {
    Q_EMIT message(tr("Draw exemplar boxes with the Find Similar tool first"), 5000);
    return false;
  }
  run({{request, 0, QString()}});
  if (m_session->engine()->engine().capabilities.exemplarsFromOtherImages) {
    // Said while the batch starts: the user should know what the other images are searched with.
    Q_EMIT message(tr("Exemplars drawn on this image are used on the others: our extension "
                      "(SAM3 was trained with exemplars on the image it searches)"), 10000);
  }
  return true;
}

bool BatchController::labelFolderWithClassNames() {
  if (m_folders->folder().images().isEmpty()) return false;
  if (!m_session->engine()->engine().capabilities.text) {
    Q_EMIT message(tr("Class names as prompts need a SAM3 model bundle with a text encoder"), 5000);
    return false;
  }
  std::vector<BatchPrompt> prompts;
  for (const auto& [id, category] : m_session->document()->project().categories()) {
    for (const std::string& phrase : annotation::conceptPhrases(category)) {
      segment::FindSimilarRequest request;
      request.text = phrase;
      request.threshold = m_session->candidateThreshold();
      prompts.push_back({request, id, QString::fromStdString(category.name)});
    }
  }
  if (prompts.empty()) {
    Q_EMIT message(tr("Name a class first: its name is the phrase"), 5000);
    return false;
  }
  run(prompts);
  return true;
}

void BatchController::addHits(const std::vector<BatchHit>& hits) {
  // The same object found by two phrases of one class ("car, van") is kept once, the better.
  for (const BatchHit& hit : hits) {
    auto same = std::find_if(m_hits.begin(), m_hits.end(), [&hit](const BatchHit& kept) {
      return hit.tag != 0 && kept.tag == hit.tag && kept.prompt != hit.prompt && kept.imagePath == hit.imagePath &&
             mask::iou(kept.mask, hit.mask) > 0.7;
    });
    if (same == m_hits.end()) {
      m_hits.push_back(hit);
    } else if (hit.score > same->score) {
      *same = hit;
    }
  }
}

void BatchController::run(const std::vector<BatchPrompt>& prompts) {
  const QStringList images = m_folders->folder().images();
  EngineService* engine = m_session->engine();
  m_hits.clear();
  auto* progress = new QProgressDialog(tr("Finding similar objects in %n image(s)…", nullptr, int(images.size())), tr("Cancel"), 0,
                                       int(images.size()), m_window);
  progress->setWindowModality(Qt::WindowModal);  // the engine is busy with the batch
  progress->setMinimumDuration(0);
  progress->setAttribute(Qt::WA_DeleteOnClose);
  progress->setAutoClose(false);
  progress->setAutoReset(false);
  connect(progress, &QProgressDialog::canceled, engine, &EngineService::cancelBatch);
  auto done = std::make_shared<QMetaObject::Connection>();
  auto finished = std::make_shared<QMetaObject::Connection>();
  *done = connect(engine, &EngineService::batchImageDone, this,
                  [this, progress](int count, int, const std::vector<BatchHit>& hits, const QString& error) {
                    addHits(hits);
                    if (progress) progress->setValue(count);
                    if (!error.isEmpty()) qCWarning(lcUi).noquote() << "batch:" << error;
                  });
  *finished = connect(engine, &EngineService::batchFinished, this, [this, progress, done, finished](bool cancelled) {
    disconnect(*done);
    disconnect(*finished);
    if (progress) progress->close();
    const int n = int(m_hits.size());
    Q_EMIT message(cancelled ? tr("Batch cancelled; %n object(s) found so far are kept for review", nullptr, n)
                             : tr("Batch done: %n object(s) found", nullptr, n),
                   8000);
    m_gallery = new ReviewGallery(m_hits, 0.5, m_window);
    m_gallery->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_gallery, &QDialog::accepted, this, [this] { m_session->acceptBatchHits(m_gallery->checkedHits()); });
    m_gallery->show();
  });
  engine->runBatch(images, prompts);
}

}  // namespace sam3::ui
