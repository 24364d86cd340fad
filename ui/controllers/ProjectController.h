#pragma once
// Project files and what surrounds them: open (with the recovery of journaled edits), save and
// save-as (interactive or not), the crash-recovery offer at start-up, the autosave of a saved
// project every minute, saving on quit, the recent files list, and the export dialog.

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>

class QWidget;

namespace sam3::ui {

class Document;
class ExportDialog;
class FolderController;

class ProjectController : public QObject {
  Q_OBJECT

 public:
  // `window` parents the dialogs.
  ProjectController(Document* document, FolderController* folders, QWidget* window);

  bool saveProjectAs(const QString& path, QString* error);
  // Asks `recover` whether to replay a journal of unsaved edits; shows the first image.
  bool openProject(const QString& path, const std::function<bool()>& recover, QString* error);
  // At start-up: when the project used last has journaled edits that were never saved, asks
  // `ask` and opens it, recovering them or not. True when a project was opened.
  bool offerCrashRecovery(const std::function<bool()>& ask);
  // Opens an image, a folder or a project by what the path is.
  bool openPath(const QString& path, QString* error = nullptr);
  void saveInteractive(bool chooseFile);
  void openInteractive();
  // Saves a saved project before the window closes; false when the user chose to stay.
  bool saveBeforeClosing();
  ExportDialog* openExportDialog();

  QStringList recent() const;
  void addRecent(const QString& path);

 Q_SIGNALS:
  void recentChanged();
  void titleChanged();
  void message(const QString& text, int milliseconds);

 private:
  Document* m_document;
  FolderController* m_folders;
  QWidget* m_window;
  QTimer m_autosave;
  QPointer<ExportDialog> m_exportDialog;
};

}  // namespace sam3::ui
