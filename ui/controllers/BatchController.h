#pragma once
// "Label the folder with these exemplars": the find-similar exemplars drawn on the current
// image are searched for in every image of the folder, with progress and cancel (partial
// results kept), then shown in the review gallery; what the user keeps is added in one step.

#include <QObject>
#include <QPointer>
#include <vector>

#include "ui/ReviewGallery.h"
#include "ui/engine/EngineTypes.h"

class QWidget;

namespace sam3::ui {

class FolderController;
class ImageCanvas;
class LabelSession;

class BatchController : public QObject {
  Q_OBJECT

 public:
  BatchController(LabelSession* session, FolderController* folders, ImageCanvas* canvas, QWidget* window);

  // False (and a message) when there is no folder, image or exemplar.
  bool labelFolderWithExemplars();
  ReviewGallery* reviewGallery() const { return m_gallery; }

 Q_SIGNALS:
  void message(const QString& text, int milliseconds);

 private:
  LabelSession* m_session;
  FolderController* m_folders;
  ImageCanvas* m_canvas;
  QWidget* m_window;
  std::vector<BatchHit> m_hits;
  QPointer<ReviewGallery> m_gallery;
};

}  // namespace sam3::ui
