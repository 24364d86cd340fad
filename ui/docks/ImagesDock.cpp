#include "ui/docks/ImagesDock.h"

#include <QApplication>
#include <QFileInfo>
#include <QImageReader>
#include <QListWidget>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "ui/support/Settings.h"

namespace sam3::ui {

constexpr int kThumbnail = 96;

ImagesDock::ImagesDock(QWidget* parent) : QDockWidget(tr("Images"), parent), m_list(new QListWidget(this)) {
  setObjectName(QStringLiteral("imagesDock"));
  m_list->setViewMode(QListView::ListMode);
  m_list->setIconSize(QSize(kThumbnail, kThumbnail * 3 / 4));
  m_list->setUniformItemSizes(true);
  m_list->setAccessibleName(tr("Images of the folder"));
  setWidget(m_list);
  connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
    if (!m_updating && row >= 0) Q_EMIT imageActivated(row);
  });
}

ImagesDock::~ImagesDock() { ++*m_generation; }

void ImagesDock::setImages(const QStringList& paths) {
  m_updating = true;
  m_paths = paths;
  m_list->clear();
  for (int i = 0; i < paths.size(); ++i) {
    new QListWidgetItem(m_list);
    updateText(i);
  }
  m_updating = false;
  loadThumbnails(paths, ++*m_generation);
}

void ImagesDock::loadThumbnails(const QStringList& paths, quint64 generation) {
  // Decoding stays off the GUI thread; each thumbnail is posted back as it is ready. The pool
  // thread touches neither the dock nor the settings: it gets the generation counter (shared,
  // atomic) and the pixel limit read here, and only the GUI thread dereferences `self`.
  QPointer<ImagesDock> self(this);
  const std::shared_ptr<const std::atomic<quint64>> current = m_generation;
  const qint64 maxPixels = qint64(settings::imageLimits().maxPixels);
  (void)QtConcurrent::run([self, current, paths, generation, maxPixels] {
    for (int i = 0; i < paths.size(); ++i) {
      if (current->load() != generation) return;  // another list, or the dock is gone
      QImageReader reader(paths[i]);
      reader.setAutoTransform(true);
      const QSize size = reader.size();
      if (size.isValid()) reader.setScaledSize(size.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio));
      // Above the pixel limit nothing is decoded, not even for a thumbnail (opening it says why).
      const bool tooLarge = size.isValid() && qint64(size.width()) * size.height() > maxPixels;
      const QImage thumb = tooLarge ? QImage() : reader.read();
      QMetaObject::invokeMethod(qApp, [self, current, i, thumb, generation] {
        if (!self || current->load() != generation || i >= self->m_list->count()) return;
        self->m_list->item(i)->setIcon(QIcon(QPixmap::fromImage(thumb)));
      }, Qt::QueuedConnection);
    }
  });
}

void ImagesDock::setStatus(const QString& path, const QString& status) {
  m_status[path] = status;
  const int row = m_paths.indexOf(path);
  if (row >= 0) updateText(row);
}

void ImagesDock::updateText(int row) {
  const QString& path = m_paths[row];
  const QString status = m_status.value(path, tr("new"));
  m_list->item(row)->setText(QFileInfo(path).fileName() + QStringLiteral("\n") + status);
  m_list->item(row)->setToolTip(path);
}

void ImagesDock::setCurrent(int index) {
  m_updating = true;
  m_list->setCurrentRow(index);
  m_updating = false;
}

}  // namespace sam3::ui
