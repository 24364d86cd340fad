#pragma once
// Folder batches: "label the folder with these exemplars" (the find-similar exemplars drawn on
// the current image searched for in every image) and "label the folder with the class names"
// (every class name as a phrase on every image, each image encoded once); progress with cancel
// (partial results kept), then the review gallery; what the user keeps is added in one step,
// each object with its class.

#include <QObject>
#include <QPointer>
#include <vector>

#include "ui/dialogs/ReviewGallery.h"
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
  // False (and a message) without a folder, a phrase engine or a named class.
  bool labelFolderWithClassNames();
  ReviewGallery* reviewGallery() const { return m_gallery; }

 Q_SIGNALS:
  void message(const QString& text, int milliseconds);

 private:
  void run(const std::vector<BatchPrompt>& prompts);
  void addHits(const std::vector<BatchHit>& hits);

  LabelSession* m_session;
  FolderController* m_folders;
  ImageCanvas* m_canvas;
  QWidget* m_window;
  std::vector<BatchHit> m_hits;
  QPointer<ReviewGallery> m_gallery;
};

}  // namespace sam3::ui
