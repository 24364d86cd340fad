#include "ui/controllers/ProjectController.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QUndoStack>

#include "engine/io/ProjectJournal.h"
#include "ui/ExportDialog.h"
#include "ui/controllers/FolderController.h"
#include "ui/document/Document.h"

namespace sam3::ui {

ProjectController::ProjectController(Document* document, FolderController* folders, QWidget* window)
    : QObject(window), m_document(document), m_folders(folders), m_window(window) {
  connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &ProjectController::titleChanged);
  connect(m_folders, &FolderController::usedPath, this, &ProjectController::addRecent);
  // A saved project is written every minute while it has unsaved edits (the journal already
  // holds them; this keeps the journal short).
  m_autosave.setInterval(60 * 1000);
  connect(&m_autosave, &QTimer::timeout, this, [this] {
    if (m_document->projectPath().isEmpty() || !m_document->isDirty()) return;
    QString error;
    if (!m_document->save(&error)) Q_EMIT message(tr("Autosave failed: %1").arg(error), 10000);
  });
  m_autosave.start();
}

bool ProjectController::saveProjectAs(const QString& path, QString* error) {
  const bool ok = m_document->saveAs(path, error);
  if (ok) {
    addRecent(path);
    QSettings().setValue(QStringLiteral("lastProject"), path);
  }
  Q_EMIT titleChanged();
  return ok;
}

bool ProjectController::openProject(const QString& path, const std::function<bool()>& recover, QString* error) {
  if (!m_document->open(path, recover, error)) return false;
  QSettings().setValue(QStringLiteral("lastProject"), path);
  QStringList paths;
  for (const auto& entry : m_document->project().images()) {
    const QString stored = QString::fromStdString(entry.second.path);
    paths << (QDir::isAbsolutePath(stored) || stored.startsWith(QLatin1Char(':')) ? stored
                                                                                   : QFileInfo(path).absoluteDir().filePath(stored));
  }
  m_folders->openList(paths);
  Q_EMIT titleChanged();
  return true;
}

bool ProjectController::offerCrashRecovery(const std::function<bool()>& ask) {
  const QString last = QSettings().value(QStringLiteral("lastProject")).toString();
  if (last.isEmpty() || !QFileInfo::exists(last)) return false;
  if (!io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(last.toStdString()))) return false;
  QString error;
  if (!openProject(last, ask, &error)) {
    Q_EMIT message(error, 10000);
    return false;
  }
  return true;
}

bool ProjectController::openPath(const QString& path, QString* error) {
  if (QFileInfo(path).isDir()) return m_folders->openFolder(path, error);
  if (path.endsWith(QStringLiteral(".sam3proj"))) {
    const auto ask = [this] {
      return QMessageBox::question(m_window, tr("Recover unsaved work?"),
                                   tr("This project has edits that were not saved (the application was closed unexpectedly). "
                                      "Recover them?")) == QMessageBox::Yes;
    };
    const bool ok = openProject(path, ask, error);
    if (ok) addRecent(path);
    return ok;
  }
  const bool ok = m_folders->openList({QFileInfo(path).absoluteFilePath()}, error);
  if (ok) addRecent(path);
  return ok;
}

void ProjectController::saveInteractive(bool chooseFile) {
  QString path = m_document->projectPath();
  if (chooseFile || path.isEmpty()) {
    path = QFileDialog::getSaveFileName(m_window, tr("Save Project"), QSettings().value(QStringLiteral("lastFolder")).toString(),
                                        tr("SAM3 Annotate projects (*.sam3proj)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QStringLiteral(".sam3proj"))) path += QStringLiteral(".sam3proj");
  }
  QString error;
  if (!saveProjectAs(path, &error)) {
    QMessageBox::warning(m_window, tr("Cannot save"), tr("The project was not saved; your work is kept.\n\n%1").arg(error));
  } else {
    Q_EMIT message(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 3000);
  }
}

void ProjectController::openInteractive() {
  const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"), QSettings().value(QStringLiteral("lastFolder")).toString(),
                                                    tr("SAM3 Annotate projects (*.sam3proj)"));
  if (path.isEmpty()) return;
  QString error;
  if (!openPath(path, &error)) QMessageBox::warning(m_window, tr("Cannot open project"), error);
}

bool ProjectController::saveBeforeClosing() {
  if (!m_document->isDirty() || m_document->projectPath().isEmpty()) return true;
  QString error;
  if (m_document->save(&error)) return true;
  return QMessageBox::warning(m_window, tr("Cannot save"), tr("%1\n\nQuit anyway? Unsaved edits stay in the journal.").arg(error),
                              QMessageBox::Yes | QMessageBox::No) == QMessageBox::Yes;
}

ExportDialog* ProjectController::openExportDialog() {
  if (m_exportDialog) {
    m_exportDialog->raise();
    return m_exportDialog;
  }
  const QString base = m_document->projectPath().isEmpty() ? QSettings().value(QStringLiteral("lastFolder"), QDir::homePath()).toString()
                                                           : QFileInfo(m_document->projectPath()).absolutePath();
  m_exportDialog = new ExportDialog(m_document->project(), QDir(base).filePath(QStringLiteral("annotations.json")), m_window);
  m_exportDialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(m_exportDialog, &ExportDialog::finished, this, [this](bool, const QString& text) { Q_EMIT message(text, 8000); });
  m_exportDialog->show();
  return m_exportDialog;
}

QStringList ProjectController::recent() const { return QSettings().value(QStringLiteral("recent")).toStringList(); }

void ProjectController::addRecent(const QString& path) {
  QStringList list = recent();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > 10) list.removeLast();
  QSettings().setValue(QStringLiteral("recent"), list);
  Q_EMIT recentChanged();
}

}  // namespace sam3::ui
