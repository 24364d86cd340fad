#pragma once
// The images being worked through: opening an image, a folder or a dropped list; showing one
// (large images decode on a worker thread, the newest request wins); next / previous / next
// unfinished; the done mark; the status badges of the Images dock; and pre-encoding the next
// images for SAM3.

#include <QObject>
#include <QSize>
#include <QString>
#include <set>
#include <vector>

#include "ui/support/ImageFolder.h"

class QImage;

namespace sam3::ui {

class Document;
class EngineService;
class ImageCanvas;
class ImagesDock;
class LabelSession;

class FolderController : public QObject {
  Q_OBJECT

 public:
  FolderController(ImageCanvas* canvas, LabelSession* session, ImagesDock* dock, QObject* parent = nullptr);

  const ImageFolder& folder() const { return m_folder; }
  QString currentPath() const { return m_currentPath; }

  // Loads an image file (or a ":/" resource). On failure keeps the current image, returns false
  // and puts the reason in `error`. Images over 16 megapixels decode on a worker thread: the
  // call returns true at once and the image appears when decoded (a failure is then reported
  // through message()).
  bool openImage(const QString& path, QString* error = nullptr);
  // Every image of a folder (natural order); shows the first.
  bool openFolder(const QString& directory, QString* error = nullptr);
  // A list to work through (a file, dropped files, a project's images, the demo's samples);
  // shows the first. False with `error` when it cannot be read.
  bool openList(const QStringList& paths, QString* error = nullptr);
  // Lists `paths` too: those not listed yet are added after the current list, which stays
  // shown; a list of bundled samples only (or none) is replaced and the first path shown.
  void includeInList(const QStringList& paths);
  bool showImageAt(int index, QString* error = nullptr);
  bool nextImage();
  bool previousImage();
  bool nextUnfinishedImage();
  void markImageDone(bool done);
  void refreshBadges();

 Q_SIGNALS:
  void imageShown(const QString& path, const QSize& size);
  void loading(bool busy);
  void message(const QString& text, int milliseconds);
  void usedPath(const QString& path);  // for the recent list

 private:
  void showImage(const QImage& image, const QString& path, std::vector<QImage> pyramid);
  bool isDone(const QString& path) const;
  QString statusOf(const QString& path) const;

  ImageCanvas* m_canvas;
  LabelSession* m_session;
  Document* m_document;
  EngineService* m_engine;
  ImagesDock* m_dock;
  ImageFolder m_folder;
  QString m_currentPath;
  std::set<QString> m_encoded;   // images whose embedding is cached (SAM3)
  quint64 m_loadGeneration = 0;  // the newest image request wins
};

}  // namespace sam3::ui
