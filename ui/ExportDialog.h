#pragma once
// Export dialog: format and destination; the export runs on a worker thread with a progress bar
// (image by image) and Cancel, which stops after the current image and keeps what was written.

#include <QDialog>
#include <QFutureWatcher>
#include <atomic>
#include <memory>

#include "engine/annotation/Project.h"

class QComboBox;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QLabel;

namespace sam3::ui {

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
  QProgressBar* m_progress;
  QLabel* m_status;
  QPushButton* m_export;
  QPushButton* m_cancel;
  QFutureWatcher<QString> m_watcher;
  std::shared_ptr<std::atomic<bool>> m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<int>> m_done = std::make_shared<std::atomic<int>>(0);
  QString m_result;
};

}  // namespace sam3::ui
