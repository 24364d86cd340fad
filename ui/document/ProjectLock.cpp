#include "ui/document/ProjectLock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>

namespace sam3::ui {

ProjectLock::ProjectLock() = default;
ProjectLock::~ProjectLock() = default;

QString ProjectLock::acquire(const QString& projectPath) {
  const QString path = QFileInfo(projectPath).absoluteFilePath();
  if (m_lock && path == m_projectPath) return {};
  auto lock = std::make_unique<QLockFile>(path + QStringLiteral(".lock"));
  // Never stale by age (a project stays open for days); a lock of a process that is gone is.
  lock->setStaleLockTime(0);
  if (!lock->tryLock(0)) {
    qint64 pid = 0;
    QString host, application;
    const bool known = lock->getLockInfo(&pid, &host, &application);
    const QString where = known ? QCoreApplication::translate("ProjectLock", " (process %1 on %2)").arg(pid).arg(host) : QString();
    if (lock->error() == QLockFile::LockFailedError) {
      return QCoreApplication::translate("ProjectLock", "%1 is open in another SAM3 Annotate%2. Close it there first: two "
                                                        "windows on one project would mix their edits.")
          .arg(QDir::toNativeSeparators(projectPath), where);
    }
    return QCoreApplication::translate("ProjectLock", "Cannot create the lock file beside %1 (is the folder writable?)")
        .arg(QDir::toNativeSeparators(projectPath));
  }
  m_lock = std::move(lock);  // the previous project's lock is released here
  m_projectPath = path;
  return {};
}

void ProjectLock::release() {
  m_lock.reset();
  m_projectPath.clear();
}

}  // namespace sam3::ui
