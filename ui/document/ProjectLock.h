#pragma once
// One instance per project: a lock file beside the project (`<project>.lock`, QLockFile) held
// while the project is open, so that a second SAM3 Annotate cannot interleave its edits with
// ours in the same journal. A lock whose process died (a crash, kill -9) is taken over.

#include <QString>
#include <memory>

class QLockFile;

namespace sam3::ui {

class ProjectLock {
 public:
  ProjectLock();
  ~ProjectLock();

  // Takes the lock of `projectPath` and then lets the one held before go. "" on success (also
  // when this lock already holds it), else why not: open in which process on which host.
  QString acquire(const QString& projectPath);
  void release();
  QString projectPath() const { return m_projectPath; }

 private:
  std::unique_ptr<QLockFile> m_lock;
  QString m_projectPath;
};

}  // namespace sam3::ui
