#pragma once
// Tools ▸ Models: the bundles in the models folder and the recent ones, with name, size, the
// LibTorch they were exported for, GPU and text support; Verify checks every file's sha256
// with a progress bar (on a worker thread, cancellable); Use loads the chosen one on the
// chosen device; with none installed, a first-run panel says in three steps how to export SAM3
// from the official checkpoint, and that the classic engine works meanwhile.

#include <QDialog>
#include <QFutureWatcher>
#include <atomic>
#include <memory>
#include <vector>

#include "ui/models/ModelLibrary.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace sam3::ui {

class ModelManagerDialog : public QDialog {
  Q_OBJECT

 public:
  explicit ModelManagerDialog(QWidget* parent = nullptr);
  ~ModelManagerDialog() override;

  void refresh();
  QTableWidget* table() const { return m_table; }
  const std::vector<ModelEntry>& entries() const { return m_entries; }
  void verifySelected();

 Q_SIGNALS:
  void useBundle(const QString& directory, const QString& device);
  void useClassic();
  void verified(const QString& directory, const QString& problem);  // "" = every file matches

 private:
  void updateButtons();
  void setStatus(int row, const QString& text, const QString& tooltip = {});

  QTableWidget* m_table;
  QLabel* m_firstRun;
  QComboBox* m_device;
  QProgressBar* m_progress;
  QPushButton* m_verify;
  QPushButton* m_use;
  std::vector<ModelEntry> m_entries;
  QFutureWatcher<QString> m_watcher;
  segment::CancelStream m_verification;  // the running check of a bundle's files
};

}  // namespace sam3::ui
