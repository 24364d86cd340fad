#pragma once
// Project files and what surrounds them: open (with the recovery of journaled edits), save and
// save-as (interactive or not), folder sessions (a folder or images opened without a project
// get an implicit project, journaled from the first edit: FolderSessions), the crash-recovery
// offer at start-up, the autosave every minute, saving on quit, the recent files list, and the
// export dialog.

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>

#include "ui/document/RecoveryQuestion.h"

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
  // Asks `recover` (by default the window's question) whether to replay a journal of unsaved
  // edits; shows the first image.
  bool openProject(const QString& path, const RecoveryQuestion& recover, QString* error);
  // At start-up: when the project used last has journaled edits that were never saved, asks
  // (by default the window's question) and opens it, recovering them or not. True when a
  // project was opened.
  bool offerCrashRecovery(const RecoveryQuestion& ask = {});
  // Opens an image, a folder or a project by what the path is.
  bool openPath(const QString& path, QString* error = nullptr);
  // Opens a folder (one path) or image files as a session: its earlier work (the implicit
  // project, or the project it was saved as) is reopened, asking `recover` about edits that were
  // never saved; a new one starts journaled. Refused (false, `error`) when another instance has
  // it open or the current project cannot be saved first.
  bool openSession(const QStringList& source, const RecoveryQuestion& recover, QString* error);
  bool openSession(const QStringList& source, QString* error = nullptr);
  // The folder or images of the open session (empty for a project opened as a file).
  QStringList sessionSource() const { return m_sessionSource; }
  // What the title shows about where the work lives.
  QString workLocation() const;
  void saveInteractive(bool chooseFile);
  void openInteractive();
  // Before the window closes: saves the project or session (an empty session is removed); asks
  // about edits that have no file (a sample). False when the user chose to stay.
  bool saveBeforeClosing(bool askAboutUnfiled = true);
  ExportDialog* openExportDialog();
  // Saves and lets go of the open project or session (an empty session is removed), leaving an
  // empty document without a file. False with `error` when it cannot be saved (it stays open).
  bool closeWork(QString* error);

  QStringList recent() const;
  void addRecent(const QString& path);

 Q_SIGNALS:
  void recentChanged();
  void titleChanged();
  void message(const QString& text, int milliseconds);

 private:
  // The question asked about the unsaved edits of `work` (a folder, images or a project file):
  // where, how many, when; what No does.
  RecoveryQuestion recoveryQuestion(const QString& work) const;

  Document* m_document;
  FolderController* m_folders;
  QWidget* m_window;
  QTimer m_autosave;
  QPointer<ExportDialog> m_exportDialog;
  QStringList m_sessionSource;
};

}  // namespace sam3::ui
