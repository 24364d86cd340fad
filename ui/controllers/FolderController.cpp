#include "ui/controllers/FolderController.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

#include "engine/io/ImageLoader.h"
#include "ui/support/AppLogging.h"
#include "ui/support/ImageFolder.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/docks/ImagesDock.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"
#include "ui/support/Settings.h"

namespace sam3::ui {
namespace {

// Decodes an image file (any thread). Null image and `error` on failure.
QImage decodeImage(const QString& path, QString* error) {
  QImageReader reader(path);
  reader.setAutoTransform(true);    // honour EXIF orientation like every photo viewer (and io::loadImage)
  reader.setAllocationLimit(4096);  // MB: Qt's own guard, after ours
  // The header as every reader of the app reads it (io::readImageHeader), before any decoding.
  QFile file(path);
  const QByteArray head = file.open(QIODevice::ReadOnly) ? file.read(1 << 18) : QByteArray();
  const auto header = io::readImageHeader(reinterpret_cast<const uint8_t*>(head.constData()), size_t(head.size()));
  const std::string tooLarge =
      header ? io::checkImageSize(*header, QDir::toNativeSeparators(path).toStdString(), settings::imageLimits()) : std::string();
  if (!tooLarge.empty()) {
    if (error) *error = QString::fromStdString(tooLarge);
    return {};
  }
  QImage image = reader.read();
  if (image.isNull() && error) {
    *error = QCoreApplication::translate("FolderController", "Cannot open %1: %2").arg(QDir::toNativeSeparators(path), reader.errorString());
  }
  return image;
}

constexpr qint64 kDecodeInBackgroundPixels = 16'000'000;

}  // namespace

FolderController::FolderController(ImageCanvas* canvas, LabelSession* session, ImagesDock* dock, QObject* parent)
    : QObject(parent), m_canvas(canvas), m_session(session), m_document(session->document()), m_engine(session->engine()), m_dock(dock) {
  connect(m_dock, &ImagesDock::imageActivated, this, [this](int index) { showImageAt(index); });
  connect(m_document, &Document::imageStatusChanged, this, &FolderController::refreshBadges);
  auto encoded = [this](const QString& path, const QString& error) {
    if (!error.isEmpty() || !m_engine->engine().capabilities.multimask) return;
    m_encoded.insert(path);
    refreshBadges();
  };
  connect(m_engine, &EngineService::imageReady, this, [encoded](const QString& key, const QString& error, double) { encoded(key, error); });
  connect(m_engine, &EngineService::preEncoded, this, encoded);
}

bool FolderController::openFolder(const QString& directory, QString* error) {
  const QStringList images = ImageFolder::listImages(directory);
  if (images.isEmpty()) {
    const QString reason = tr("No images in %1").arg(QDir::toNativeSeparators(directory));
    Q_EMIT message(reason, 8000);
    if (error) *error = reason;
    return false;
  }
  settings::lastFolder().set(directory);
  Q_EMIT usedPath(directory);
  openList(images);
  return true;
}

bool FolderController::openList(const QStringList& paths, QString* error) {
  m_folder.setImages(paths, 0);
  m_dock->setImages(paths);
  const bool ok = paths.isEmpty() || showImageAt(0, error);
  refreshBadges();
  return ok;
}

void FolderController::includeInList(const QStringList& paths) {
  QStringList listed = m_folder.images();
  const bool onlySamples = std::all_of(listed.begin(), listed.end(), [](const QString& p) { return p.startsWith(QLatin1Char(':')); });
  if (onlySamples) {
    openList(paths);
    return;
  }
  const int before = int(listed.size());
  for (const QString& path : paths)
    if (!listed.contains(path)) listed << path;
  if (listed.size() == before) return;
  const int current = std::max(0, m_folder.indexOf(m_currentPath));
  m_folder.setImages(listed, current);
  m_dock->setImages(listed);
  m_dock->setCurrent(current);
  refreshBadges();
  Q_EMIT message(tr("%n imported image(s) added to the list", nullptr, int(listed.size() - before)), 6000);
}

bool FolderController::showImageAt(int index, QString* error) {
  if (index < 0 || index >= m_folder.images().size()) return false;
  m_folder.setCurrent(index);
  if (!openImage(m_folder.images()[index], error)) return false;
  m_dock->setCurrent(index);
  refreshBadges();
  if (m_engine->engine().capabilities.multimask) m_engine->preEncode(m_folder.upcoming(3));  // SAM3: encode ahead
  return true;
}

bool FolderController::nextImage() {
  const int index = m_folder.next();
  if (index >= 0) showImageAt(index);
  return index >= 0;
}

bool FolderController::previousImage() {
  const int index = m_folder.previous();
  if (index >= 0) showImageAt(index);
  return index >= 0;
}

bool FolderController::nextUnfinishedImage() {
  const int index = m_folder.nextWhere([this](const QString& path) { return !isDone(path); });
  if (index < 0) {
    Q_EMIT message(tr("Every image is done"), 4000);
    return false;
  }
  showImageAt(index);
  return true;
}

void FolderController::markImageDone(bool done) {
  const int imageId = m_session->imageId();
  if (!imageId) return;
  const bool empty = m_document->project().objectsOfImage(imageId).empty();
  m_document->setImageStatus(imageId, done    ? annotation::ImageStatus::Done
                                      : empty ? annotation::ImageStatus::New
                                              : annotation::ImageStatus::InProgress);
}

bool FolderController::isDone(const QString& path) const {
  const annotation::ImageRecord* record = m_document->project().imageByFileName(QFileInfo(path).fileName().toStdString());
  return record && (record->status == annotation::ImageStatus::Done || record->status == annotation::ImageStatus::Reviewed);
}

QString FolderController::statusOf(const QString& path) const {
  if (isDone(path)) return tr("done");
  const annotation::ImageRecord* record = m_document->project().imageByFileName(QFileInfo(path).fileName().toStdString());
  if (record && record->status == annotation::ImageStatus::InProgress) return tr("in progress");
  return m_encoded.count(path) ? tr("encoded") : tr("new");
}

void FolderController::refreshBadges() {
  for (const QString& path : m_folder.images()) m_dock->setStatus(path, statusOf(path));
}

bool FolderController::openImage(const QString& path, QString* error) {
  // Large images decode on a worker thread so the window never freezes; small ones at once.
  const QSize size = QImageReader(path).size();
  const quint64 generation = ++m_loadGeneration;
  if (size.isValid() && qint64(size.width()) * size.height() > kDecodeInBackgroundPixels) {
    Q_EMIT loading(true);
    Q_EMIT message(tr("Loading %1 (%2 × %3)…").arg(QFileInfo(path).fileName()).arg(size.width()).arg(size.height()), 0);
    using Loaded = std::pair<std::vector<QImage>, QString>;  // display pyramid, or the reason
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path, generation] {
      Loaded loaded = watcher->result();
      watcher->deleteLater();
      if (generation != m_loadGeneration) return;  // the user has moved on
      Q_EMIT loading(false);
      if (loaded.first.empty()) {
        qCWarning(lcUi).noquote() << loaded.second;
        Q_EMIT message(loaded.second, 10000);
        return;
      }
      const QImage image = loaded.first.front();
      showImage(image, path, std::move(loaded.first));
    });
    watcher->setFuture(QtConcurrent::run([path]() -> Loaded {
      QString reason;
      const QImage image = decodeImage(path, &reason);
      if (image.isNull()) return {{}, reason};
      return {ImageCanvas::buildPyramid(ImageCanvas::toDisplayFormat(image)), QString()};
    }));
    return true;
  }
  QString reason;
  const QImage image = decodeImage(path, &reason);
  if (image.isNull()) {
    qCWarning(lcUi).noquote() << reason;
    Q_EMIT message(reason, 10000);
    if (error) *error = reason;
    return false;
  }
  showImage(image, path, {});
  return true;
}

void FolderController::showImage(const QImage& image, const QString& path, std::vector<QImage> pyramid) {
  m_currentPath = path;
  if (m_folder.indexOf(path) < 0) {  // an image on its own (a sample, a file): the Images dock lists it
    m_folder.setImages({path}, 0);
    m_dock->setImages({path});
    m_dock->setCurrent(0);
  }
  m_canvas->setImage(image, std::move(pyramid));
  const int imageId = m_document->imageFor(path, image.width(), image.height());
  m_engine->setImage(image, path);
  m_session->setImage(imageId, image.size());
  if (!path.startsWith(QLatin1Char(':'))) settings::lastFolder().set(QFileInfo(path).absolutePath());
  qCInfo(lcUi).noquote() << "opened" << path << image.width() << "x" << image.height();
  Q_EMIT imageShown(path, image.size());
}

}  // namespace sam3::ui
