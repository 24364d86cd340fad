#pragma once
// The annotation document of the GUI: the engine's Project plus its undo stack. Every user
// change goes through an undo command (holding ids and values, never pointers).

#include <QObject>
#include <QString>
#include <QTimer>
#include <QUndoStack>
#include <functional>
#include <memory>

#include "engine/annotation/Project.h"

namespace sam3::io {
class ProjectJournal;
}

namespace sam3::ui {

class Document : public QObject {
  Q_OBJECT

 public:
  explicit Document(QObject* parent = nullptr);
  ~Document() override;

  const annotation::Project& project() const { return m_project; }
  QUndoStack* undoStack() { return &m_undo; }

  // Ensures an image record exists for `path` (matched by file name) and returns its id.
  int imageFor(const QString& path, int width, int height);
  // The category new objects get (created on first use).
  int defaultCategory();

  // Pushes an undoable "add object"; returns the new object's id.
  int64_t addObject(annotation::AnnotationObject object);
  void removeObject(int64_t id);

  // Project file. saveAs() writes atomically and starts journaling every edit to
  // `<path>.journal`; on failure the document stays dirty and `error` says why.
  QString projectPath() const { return m_projectPath; }
  bool isDirty() const { return !m_undo.isClean() || m_recoveredUnsaved; }
  bool saveAs(const QString& path, QString* error);
  bool save(QString* error) { return saveAs(m_projectPath, error); }
  // Loads a project. When a journal of unsaved edits exists, `recover` is asked (with the
  // number of bytes of journal) whether to replay it. Returns false with `error` on failure.
  bool open(const QString& path, const std::function<bool()>& recover, QString* error);

  // Used by the undo commands only.
  void putObjectDirect(const annotation::AnnotationObject& object);
  void removeObjectDirect(int64_t id);

 Q_SIGNALS:
  void objectsChanged(int imageId);

 private:
  void startJournal();

  annotation::Project m_project;
  QUndoStack m_undo;
  QString m_projectPath;
  std::unique_ptr<io::ProjectJournal> m_journal;
  QTimer m_journalSync;  // bounds what a power cut can lose to ~2 s
  bool m_recoveredUnsaved = false;
};

}  // namespace sam3::ui
