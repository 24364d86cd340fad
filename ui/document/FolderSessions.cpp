#include "ui/document/FolderSessions.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include "ui/support/AppPaths.h"
#include "ui/support/Settings.h"

namespace sam3::ui {
namespace {

QStringList normalized(const QStringList& source) {
  QStringList paths;
  for (const QString& path : source) paths << QDir::cleanPath(QFileInfo(path).absoluteFilePath());
  paths.sort();
  paths.removeDuplicates();
  return paths;
}

}  // namespace

QString FolderSessions::directory() { return appDataDirectory() + QStringLiteral("/sessions"); }

QString FolderSessions::keyOf(const QStringList& source) {
  const QByteArray joined = normalized(source).join(QLatin1Char('\n')).toUtf8();
  return QString::fromLatin1(QCryptographicHash::hash(joined, QCryptographicHash::Sha1).toHex().left(12));
}

QString FolderSessions::implicitProjectFor(const QStringList& source) {
  const QStringList paths = normalized(source);
  QString name = paths.isEmpty() ? QStringLiteral("images") : QFileInfo(paths.first()).completeBaseName();
  if (paths.size() > 1) name += QStringLiteral("-and-%1-more").arg(paths.size() - 1);
  name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("_"));
  if (name.isEmpty() || name.startsWith(QLatin1Char('.'))) name.prepend(QStringLiteral("session"));
  return directory() + QLatin1Char('/') + name.left(60) + QLatin1Char('-') + keyOf(source) + QStringLiteral(".sam3proj");
}

QString FolderSessions::projectFor(const QStringList& source) {
  const QString saved = settings::sessionSavedAs().at(keyOf(source)).get();
  if (!saved.isEmpty() && QFileInfo::exists(saved)) return saved;
  return implicitProjectFor(source);
}

bool FolderSessions::isImplicit(const QString& projectPath) {
  return !projectPath.isEmpty() && QFileInfo(projectPath).absolutePath() == QFileInfo(directory()).absoluteFilePath();
}

QStringList FolderSessions::sourceOf(const QString& projectPath) {
  return settings::sessionSources().at(QFileInfo(projectPath).completeBaseName()).get();
}

void FolderSessions::remember(const QString& implicitProject, const QStringList& source) {
  settings::sessionSources().at(QFileInfo(implicitProject).completeBaseName()).set(normalized(source));
}

void FolderSessions::rememberSavedAs(const QStringList& source, const QString& savedProject) {
  settings::sessionSavedAs().at(keyOf(source)).set(QFileInfo(savedProject).absoluteFilePath());
}

void FolderSessions::discard(const QString& implicitProject) {
  if (!isImplicit(implicitProject)) return;  // never a file the user chose
  // The lock goes with the document that holds it (ProjectLock).
  for (const QString& suffix : {QString(), QStringLiteral(".journal")}) QFile::remove(implicitProject + suffix);
  settings::sessionSources().at(QFileInfo(implicitProject).completeBaseName()).remove();
}

}  // namespace sam3::ui
