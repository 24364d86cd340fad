#include "ui/document/ObjectCommands.h"

#include <QCoreApplication>

#include "ui/document/Document.h"

namespace sam3::ui {

AddObjectCommand::AddObjectCommand(Document* document, annotation::AnnotationObject object)
    : m_document(document), m_object(std::move(object)) {
  setText(QCoreApplication::translate("ObjectCommands", "Add object %1").arg(m_object.id));
}

void AddObjectCommand::redo() { m_document->putObjectDirect(m_object); }
void AddObjectCommand::undo() { m_document->removeObjectDirect(m_object.id); }

RemoveObjectCommand::RemoveObjectCommand(Document* document, annotation::AnnotationObject object)
    : m_document(document), m_object(std::move(object)) {
  setText(QCoreApplication::translate("ObjectCommands", "Delete object %1").arg(m_object.id));
}

void RemoveObjectCommand::redo() { m_document->removeObjectDirect(m_object.id); }
void RemoveObjectCommand::undo() { m_document->putObjectDirect(m_object); }

}  // namespace sam3::ui
