#pragma once
// The annotation document of the GUI: the engine's Project plus its undo stack. Every user
// change goes through an undo command (holding ids and values, never pointers).

#include <QObject>
#include <QUndoStack>

#include "engine/annotation/Project.h"

namespace sam3::ui {

class Document : public QObject {
  Q_OBJECT

 public:
  explicit Document(QObject* parent = nullptr);

  const annotation::Project& project() const { return m_project; }
  QUndoStack* undoStack() { return &m_undo; }

  // Ensures an image record exists for `path` (matched by file name) and returns its id.
  int imageFor(const QString& path, int width, int height);
  // The category new objects get (created on first use).
  int defaultCategory();

  // Pushes an undoable "add object"; returns the new object's id.
  int64_t addObject(annotation::AnnotationObject object);
  void removeObject(int64_t id);

  // Used by the undo commands only.
  void putObjectDirect(const annotation::AnnotationObject& object);
  void removeObjectDirect(int64_t id);

 Q_SIGNALS:
  void objectsChanged(int imageId);

 private:
  annotation::Project m_project;
  QUndoStack m_undo;
};

}  // namespace sam3::ui
