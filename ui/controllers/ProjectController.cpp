#include "ui/controllers/ProjectController.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QUndoStack>

#include "engine/io/ProjectJournal.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/support/ImageFolder.h"
#include "ui/controllers/FolderController.h"
#include "ui/document/Document.h"
#include "ui/document/FolderSessions.h"
#include "ui/support/Settings.h"

namespace sam3::ui {

ProjectController::ProjectController(Document* document, FolderController* folders, QWidget* window)
    : QObject(window), m_document(document), m_folders(folders), m_window(window) {
  connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &ProjectController::titleChanged);
  connect(m_folders, &FolderController::usedPath, this, &ProjectController::addRecent);
  // A saved project is written every minute while it has unsaved edits (the journal already
  // holds them; this keeps the journal short).
  m_autosave.setInterval(60 * 1000);
  connect(&m_autosave, &QTimer::timeout, this, [this] {
    if (m_document->projectPath().isEmpty() || !m_document->hasUnsavedWork()) return;
    QString error;
    if (!m_document->save(&error)) Q_EMIT message(tr("Autosave failed: %1").arg(error), 10000);
  });
  m_autosave.start();
}

bool ProjectController::saveProjectAs(const QString& path, QString* error) {
  const QString before = m_document->projectPath();
  const bool ok = m_document->saveAs(path, error);
  if (ok) {
    addRecent(path);
    settings::lastProject().set(path);
    if (FolderSessions::isImplicit(before) && before != path) {  // the session's work moved there
      if (!m_sessionSource.isEmpty()) FolderSessions::rememberSavedAs(m_sessionSource, path);
      FolderSessions::discard(before);
    }
  }
  Q_EMIT titleChanged();
  return ok;
}

RecoveryQuestion ProjectController::recoveryQuestion(const QString& work) const {
  return [this, work](const UnsavedEdits& edits) {
    QMessageBox box(QMessageBox::Question, tr("Recover unsaved work?"),
                    tr("SAM3 Annotate was not closed normally. The work on %1 has %n change(s) that were not saved, "
                       "the last on %2.", nullptr, edits.changes)
                        .arg(QDir::toNativeSeparators(work), QLocale().toString(edits.lastEdit, QLocale::LongFormat)),
                    QMessageBox::Yes | QMessageBox::No, m_window);
    box.setObjectName(QStringLiteral("recoveryQuestion"));
    box.setInformativeText(tr("Yes brings them back and saves them at once. No leaves the work as it was saved and keeps "
                              "the changes in a backup file beside it for a week."));
    box.setDefaultButton(QMessageBox::Yes);
    return box.exec() == QMessageBox::Yes;
  };
}

bool ProjectController::closeWork(QString* error) {
  const QString current = m_document->projectPath();
  if (current.isEmpty()) return true;
  QString why;
  if (m_document->hasUnsavedWork() && !m_document->save(&why)) {
    if (error) *error = tr("The open work could not be saved first (it stays open): %1").arg(why);
    return false;
  }
  const bool emptySession = FolderSessions::isImplicit(current) && m_document->project().objects().empty() &&
                            m_document->project().categories().size() <= 1;  // the default class only
  m_document->closeProject();
  if (emptySession) FolderSessions::discard(current);
  m_sessionSource.clear();
  return true;
}

bool ProjectController::openSession(const QStringList& source, QString* error) { return openSession(source, {}, error); }

bool ProjectController::openSession(const QStringList& source, const RecoveryQuestion& recover, QString* error) {
  const bool isFolder = source.size() == 1 && QFileInfo(source.first()).isDir();
  const QStringList images = isFolder ? ImageFolder::listImages(source.first()) : source;
  if (images.isEmpty()) {
    if (error) *error = tr("No images in %1").arg(QDir::toNativeSeparators(source.value(0)));
    return false;
  }
  const QString project = FolderSessions::projectFor(source);
  if (project == m_document->projectPath()) {  // already open: just show it again
    return isFolder ? m_folders->openFolder(source.first(), error) : m_folders->openList(images, error);
  }
  if (!closeWork(error)) return false;
  if (QFileInfo::exists(project)) {
    const QString work = isFolder ? source.first() : tr("%n image(s) in %1", nullptr, int(images.size())).arg(QFileInfo(images.first()).absolutePath());
    if (!m_document->open(project, recover ? recover : recoveryQuestion(work), error)) return false;
  } else {
    QDir().mkpath(FolderSessions::directory());
    QString why;
    if (!m_document->startNew(project, &why)) {
      if (error) *error = tr("Cannot keep the work on %1: %2").arg(QDir::toNativeSeparators(source.first()), why);
      return false;
    }
  }
  if (FolderSessions::isImplicit(project)) FolderSessions::remember(project, source);
  m_sessionSource = source;
  settings::lastProject().set(project);
  const bool shown = isFolder ? m_folders->openFolder(source.first(), error) : m_folders->openList(images, error);
  Q_EMIT titleChanged();
  return shown;
}

QString ProjectController::workLocation() const {
  const QString project = m_document->projectPath();
  if (project.isEmpty()) return tr("not saved");
  if (FolderSessions::isImplicit(project)) return tr("kept in %1").arg(QDir::toNativeSeparators(project));
  return QDir::toNativeSeparators(project);
}

bool ProjectController::openProject(const QString& path, const RecoveryQuestion& recover, QString* error) {
  if (QFileInfo(path).absoluteFilePath() != QFileInfo(m_document->projectPath()).absoluteFilePath() && !closeWork(error)) return false;
  if (!m_document->open(path, recover ? recover : recoveryQuestion(path), error)) return false;
  m_sessionSource.clear();
  settings::lastProject().set(path);
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

bool ProjectController::offerCrashRecovery(const RecoveryQuestion& ask) {
  const QString last = settings::lastProject().get();
  if (last.isEmpty() || !QFileInfo::exists(last)) return false;
  if (!io::ProjectJournal::hasEntries(io::ProjectJournal::pathFor(last.toStdString()))) return false;
  QString error;
  const QStringList source = FolderSessions::isImplicit(last) ? FolderSessions::sourceOf(last) : QStringList();
  if (!(source.isEmpty() ? openProject(last, ask, &error) : openSession(source, ask, &error))) {
    Q_EMIT message(error, 10000);
    return false;
  }
  return true;
}

bool ProjectController::openPath(const QString& path, QString* error) {
  const bool ok = path.endsWith(QStringLiteral(".sam3proj")) ? openProject(path, {}, error)
                                                              : openSession({QFileInfo(path).absoluteFilePath()}, error);
  if (ok) addRecent(path);
  return ok;
}

void ProjectController::saveInteractive(bool chooseFile) {
  QString path = m_document->projectPath();
  if (chooseFile || path.isEmpty() || FolderSessions::isImplicit(path)) {  // a session's first save chooses a file
    QString suggestion = settings::lastFolder().get();
    if (!m_sessionSource.isEmpty()) {
      const QFileInfo source(m_sessionSource.first());
      const QDir folder = source.isDir() ? QDir(source.absoluteFilePath()) : source.absoluteDir();
      suggestion = folder.filePath(folder.dirName() + QStringLiteral(".sam3proj"));
    }
    path = QFileDialog::getSaveFileName(m_window, tr("Save Project"), suggestion, tr("SAM3 Annotate projects (*.sam3proj)"));
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
  const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"), settings::lastFolder().get(),
                                                    tr("SAM3 Annotate projects (*.sam3proj)"));
  if (path.isEmpty()) return;
  QString error;
  if (!openPath(path, &error)) QMessageBox::warning(m_window, tr("Cannot open project"), error);
}

bool ProjectController::saveBeforeClosing(bool askAboutUnfiled) {
  if (m_document->projectPath().isEmpty()) {  // edits on a sample: no file to keep them in
    if (!askAboutUnfiled || !m_document->isDirty() || m_document->project().objects().empty()) return true;
    const auto answer = QMessageBox::question(m_window, tr("Keep your work?"),
                                              tr("These objects are not saved in a project. Save them before closing?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel) return false;
    if (answer == QMessageBox::Discard) return true;
    saveInteractive(true);
    return !m_document->isDirty();
  }
  QString error;
  if (!closeWork(&error)) {
    return QMessageBox::warning(m_window, tr("Cannot save"), tr("%1\n\nQuit anyway? Unsaved edits stay in the journal.").arg(error),
                                QMessageBox::Yes | QMessageBox::No) == QMessageBox::Yes;
  }
  return true;
}

ExportDialog* ProjectController::openExportDialog() {
  if (m_exportDialog) {
    m_exportDialog->raise();
    return m_exportDialog;
  }
  QString base = QFileInfo(m_document->projectPath()).absolutePath();
  if (m_document->projectPath().isEmpty() || FolderSessions::isImplicit(m_document->projectPath())) {
    base = (settings::lastFolder().get().isEmpty() ? QDir::homePath() : settings::lastFolder().get());
  }
  const QString projectFolder = m_document->projectPath().isEmpty() ? QString() : QFileInfo(m_document->projectPath()).absolutePath();
  m_exportDialog = new ExportDialog(m_document->project(), QDir(base).filePath(QStringLiteral("annotations.json")), m_window, projectFolder);
  m_exportDialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(m_exportDialog, &ExportDialog::finished, this, [this](bool, const QString& text) { Q_EMIT message(text, 8000); });
  m_exportDialog->show();
  return m_exportDialog;
}

QStringList ProjectController::recent() const { return settings::recentProjects().get(); }

void ProjectController::addRecent(const QString& path) {
  QStringList list = recent();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > 10) list.removeLast();
  settings::recentProjects().set(list);
  Q_EMIT recentChanged();
}

}  // namespace sam3::ui
