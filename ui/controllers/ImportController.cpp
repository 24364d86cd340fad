#include "ui/controllers/ImportController.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QUndoStack>
#include <map>
#include <set>

#include "engine/io/AtomicFile.h"
#include "engine/io/CocoImport.h"
#include "engine/io/YoloImport.h"
#include "ui/controllers/FolderController.h"
#include "ui/document/Document.h"
#include "ui/support/Settings.h"

namespace sam3::ui {
namespace {

io::InterchangeReport readInto(ImportController::Format format, const QString& path, const QString& labels, annotation::Project& scratch) {
  if (format == ImportController::Format::Labelme) return io::importLabelmeFolder(path.toStdString(), scratch);
  if (format == ImportController::Format::Yolo) {
    return io::importYoloSegmentation(path.toStdString(), (labels.isEmpty() ? path : labels).toStdString(), "", scratch);
  }
  io::InterchangeReport report;
  const nlohmann::json coco = nlohmann::json::parse(io::readWholeFile(path.toStdString()), nullptr, false);
  if (coco.is_discarded()) {
    report.problems.push_back({io::CocoProblem::Severity::Error, QFileInfo(path).fileName().toStdString(), "is not valid JSON"});
    return report;
  }
  const io::CocoImportReport coco_ = io::importCoco(coco, scratch);
  report.files = 1;
  report.imagesAdded = coco_.imagesAdded;
  report.imagesMatched = coco_.imagesMatched;
  report.objectsAdded = coco_.objectsAdded;
  report.categoriesAdded = coco_.categoriesAdded;
  report.problems = coco_.problems;
  return report;
}

}  // namespace

ImportController::ImportController(Document* document, FolderController* folders, QWidget* window)
    : QObject(window), m_document(document), m_folders(folders), m_window(window) {}

io::InterchangeReport ImportController::importFrom(Format format, const QString& path, const QString& labels) {
  annotation::Project scratch = m_document->project();  // the importers add to a copy; the difference is applied below
  io::InterchangeReport report;
  try {
    report = readInto(format, path, labels, scratch);
  } catch (const std::exception& e) {
    report.problems.push_back({io::CocoProblem::Severity::Error, QFileInfo(path).fileName().toStdString(), e.what()});
    return report;
  }
  // What existed before (the document changes below; the ids, not a second copy of the project).
  std::set<int> oldCategories, oldImages;
  for (const auto& entry : m_document->project().categories()) oldCategories.insert(entry.first);
  for (const auto& entry : m_document->project().images()) oldImages.insert(entry.first);
  const int64_t firstNewObject = m_document->project().nextObjectId();
  QUndoStack* undo = m_document->undoStack();
  undo->beginMacro(tr("Import %1").arg(QFileInfo(path).fileName()));
  std::map<int, int> categories, images;  // scratch id -> document id
  for (const auto& [id, category] : scratch.categories()) {
    categories[id] = oldCategories.count(id) ? id : m_document->addCategory(QString::fromStdString(category.name), category.color);
  }
  std::set<int> added;
  for (const auto& [id, image] : scratch.images()) {
    if (oldImages.count(id)) {
      images[id] = id;
      continue;
    }
    images[id] = m_document->imageFor(QString::fromStdString(image.path), image.width, image.height);
    added.insert(images[id]);
  }
  std::vector<annotation::AnnotationObject> objects;
  std::set<int> touched = added;  // the images the import added or put objects on
  for (const auto& [id, object] : scratch.objects()) {
    if (id < firstNewObject) continue;  // the importers give new objects the next free ids
    annotation::AnnotationObject copy = object;
    copy.imageId = images[object.imageId];
    copy.categoryId = categories[object.categoryId];
    touched.insert(copy.imageId);
    objects.push_back(std::move(copy));
  }
  m_document->addImported(std::move(objects), tr("Import %n object(s)", nullptr, int(report.objectsAdded)));
  undo->endMacro();
  QStringList paths;
  for (int id : touched) {
    const QString file = QString::fromStdString(m_document->project().image(id)->path);
    if (QFileInfo(file).isAbsolute()) paths << QDir::cleanPath(file);
  }
  // Added to the images being worked through (which stay listed: importing the folder that is
  // open once replaced its list by the images the project did not know yet).
  if (!paths.isEmpty()) m_folders->includeInList(paths);
  return report;
}

void ImportController::importInteractive(Format format) {
  const QString start = settings::lastFolder().get();
  QString path, labels;
  if (format == Format::Coco) {
    path = QFileDialog::getOpenFileName(m_window, tr("Import COCO"), start, tr("COCO JSON (*.json)"));
  } else {
    path = QFileDialog::getExistingDirectory(m_window, format == Format::Labelme ? tr("Import a folder of labelme / X-AnyLabeling files")
                                                                                 : tr("Import YOLO-seg: the images folder"), start);
    if (!path.isEmpty() && format == Format::Yolo) {
      labels = QFileDialog::getExistingDirectory(m_window, tr("Import YOLO-seg: the labels folder (with classes.txt)"), path);
      if (labels.isEmpty()) return;
    }
  }
  if (path.isEmpty()) return;
  const io::InterchangeReport report = importFrom(format, path, labels);
  QStringList problems;
  for (const io::CocoProblem& p : report.problems) problems << QString::fromStdString(p.path + ": " + p.message);
  const QString summary = tr("Imported %1 objects from %2 file(s): %3 images added, %4 matched, %5 classes added; %6 skipped.")
                              .arg(report.objectsAdded).arg(report.files).arg(report.imagesAdded).arg(report.imagesMatched)
                              .arg(report.categoriesAdded).arg(report.problems.size());
  Q_EMIT message(summary, 8000);
  if (problems.isEmpty()) return;
  QMessageBox box(QMessageBox::Information, tr("Import"), summary + tr("\n\nWhat was skipped, and why, is in the details."),
                  QMessageBox::Ok, m_window);
  box.setDetailedText(problems.join(QLatin1Char('\n')));
  box.exec();
}

}  // namespace sam3::ui
