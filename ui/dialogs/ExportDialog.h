#pragma once
// Export dialog: format and destination; the export runs on a worker thread with a progress bar
// (image by image; object by object for COCO) and Cancel, which stops after the current image
// and keeps what was written. COCO file names are relative to an image root (the images' common
// folder unless changed), or absolute.

#include <QDialog>
#include <QFutureWatcher>
#include <atomic>
#include <memory>

#include "engine/annotation/Project.h"
#include "engine/segment/Cancel.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QLabel;

namespace sam3::ui {

// What an export job reports when it ends.
struct ExportOutcome {
  bool ok = false;
  QString text;  // what was written (or why it failed), for the dialog and the status bar
};

class ExportDialog : public QDialog {
  Q_OBJECT

 public:
  // `project` is copied: the user may keep editing while the export runs.
  // `projectFolder`: where the project's relative image paths start (labelme writes image paths).
  ExportDialog(const annotation::Project& project, const QString& suggestedPath, QWidget* parent = nullptr,
               const QString& projectFolder = {});
  ~ExportDialog() override;

  QComboBox* formatBox() const { return m_format; }
  QLineEdit* pathEdit() const { return m_path; }
  QLineEdit* imageRootEdit() const { return m_imageRoot; }   // COCO file names are relative to it
  QCheckBox* absolutePathsBox() const { return m_absolute; }  // or absolute
  QPushButton* exportButton() const { return m_export; }
  QPushButton* cancelButton() const { return m_cancel; }
  bool running() const { return m_watcher.isRunning(); }
  QString resultText() const { return m_result; }

 Q_SIGNALS:
  void finished(bool ok, const QString& message);

 private:
  void start();
  void browse();

  annotation::Project m_project;
  QString m_projectFolder;
  QComboBox* m_format;
  QLineEdit* m_path;
  QLineEdit* m_imageRoot;
  QCheckBox* m_absolute;
  QProgressBar* m_progress;
  QLabel* m_status;
  QPushButton* m_export;
  QPushButton* m_cancel;
  QFutureWatcher<ExportOutcome> m_watcher;
  segment::CancelStream m_exporting;  // the running export
  std::shared_ptr<std::atomic<int>> m_done = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<int>> m_total = std::make_shared<std::atomic<int>>(1);  // images, or objects for COCO
  QString m_result;
};

}  // namespace sam3::ui
