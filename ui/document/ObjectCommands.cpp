#include "ui/document/ObjectCommands.h"

#include "ui/document/Document.h"

namespace sam3::ui {

ReplaceObjectsCommand::ReplaceObjectsCommand(Document* document, const QString& text,
                                             std::vector<annotation::AnnotationObject> before,
                                             std::vector<annotation::AnnotationObject> after)
    : m_document(document), m_before(std::move(before)), m_after(std::move(after)) {
  setText(text);
}

void ReplaceObjectsCommand::apply(Document* document, const std::vector<annotation::AnnotationObject>& remove,
                                  const std::vector<annotation::AnnotationObject>& put) {
  for (const auto& object : remove) document->removeObjectDirect(object.id);
  for (const auto& object : put) document->putObjectDirect(object);
}

void ReplaceObjectsCommand::redo() { apply(m_document, m_before, m_after); }
void ReplaceObjectsCommand::undo() { apply(m_document, m_after, m_before); }

}  // namespace sam3::ui
