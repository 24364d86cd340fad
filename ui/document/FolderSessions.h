#pragma once
// Where the work on a folder (or on images) opened without a project lives, so that it is
// journaled from the first edit like a saved project's: an implicit project per folder in the
// app's data folder (sessions/<folder name>-<hash of its path>.sam3proj), or the project the
// user moved it to with Save As. Reopening the folder reopens that work.

#include <QString>
#include <QStringList>

namespace sam3::ui {

class FolderSessions {
 public:
  // `source` is one folder or a list of image files (absolute paths; the order does not matter).
  // The project holding its work: the one it was saved as, when that file still exists, else
  // the implicit project (which may not exist yet).
  static QString projectFor(const QStringList& source);
  static QString implicitProjectFor(const QStringList& source);
  static bool isImplicit(const QString& projectPath);
  // What an implicit project was made for (empty when unknown), to reopen it after a crash.
  static QStringList sourceOf(const QString& projectPath);
  static void remember(const QString& implicitProject, const QStringList& source);
  // After Save As: reopening `source` opens `savedProject` from now on.
  static void rememberSavedAs(const QStringList& source, const QString& savedProject);
  // Removes an implicit project and its journal (never a project outside the sessions folder).
  static void discard(const QString& implicitProject);
  static QString directory();

 private:
  static QString keyOf(const QStringList& source);
};

}  // namespace sam3::ui
