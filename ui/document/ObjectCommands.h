#pragma once
// Undo commands for objects: each captures the object's value in its constructor and applies
// it in redo(), so undo/redo never depend on pointers into the document.

#include <QUndoCommand>

#include "engine/annotation/AnnotationObject.h"

namespace sam3::ui {

class Document;

class AddObjectCommand : public QUndoCommand {
 public:
  AddObjectCommand(Document* document, annotation::AnnotationObject object);
  void redo() override;
  void undo() override;

 private:
  Document* m_document;
  annotation::AnnotationObject m_object;
};

class RemoveObjectCommand : public QUndoCommand {
 public:
  RemoveObjectCommand(Document* document, annotation::AnnotationObject object);
  void redo() override;
  void undo() override;

 private:
  Document* m_document;
  annotation::AnnotationObject m_object;
};

}  // namespace sam3::ui
