#pragma once
// File ▸ Import: a COCO file, a folder of labelme / X-AnyLabeling JSON, or YOLO-seg labels read
// into the open work as one undo step (new classes, images and objects, every field kept, so
// unedited labelme shapes export back as they were read), the imported images shown to work
// through, and a report of what was skipped and why.

#include <QObject>
#include <QString>

#include "engine/io/Labelme.h"

class QWidget;

namespace sam3::ui {

class Document;
class FolderController;

class ImportController : public QObject {
  Q_OBJECT

 public:
  enum class Format { Coco, Labelme, Yolo };

  ImportController(Document* document, FolderController* folders, QWidget* window);

  // Without dialogs: `path` is the COCO file or the labelme folder, or YOLO's images folder
  // (labels in `labels`, default the same folder). Returns what was read and skipped.
  io::InterchangeReport importFrom(Format format, const QString& path, const QString& labels = {});
  void importInteractive(Format format);  // asks for the file or folder, shows the report

 Q_SIGNALS:
  void message(const QString& text, int milliseconds);

 private:
  Document* m_document;
  FolderController* m_folders;
  QWidget* m_window;
};

}  // namespace sam3::ui
