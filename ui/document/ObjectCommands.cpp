#include "ui/document/ObjectCommands.h"

#include "ui/document/Document.h"

#include <set>

namespace sam3::ui {

ReplaceObjectsCommand::ReplaceObjectsCommand(Document* document, const QString& text,
                                             std::vector<annotation::AnnotationObject> before,
                                             std::vector<annotation::AnnotationObject> after)
    : m_document(document), m_before(std::move(before)), m_after(std::move(after)) {
  setText(text);
}

void ReplaceObjectsCommand::apply(Document* document, const std::vector<annotation::AnnotationObject>& remove,
                                  const std::vector<annotation::AnnotationObject>& put) {
  // Ids that stay (a class change, a stroke) are replaced in place, never removed first: views
  // would otherwise see them vanish for a moment and drop them from the selection.
  std::set<int64_t> kept;
  for (const auto& object : put) kept.insert(object.id);
  for (const auto& object : remove)
    if (!kept.count(object.id)) document->removeObjectDirect(object.id);
  for (const auto& object : put) document->putObjectDirect(object);
}

void ReplaceObjectsCommand::redo() { apply(m_document, m_before, m_after); }
void ReplaceObjectsCommand::undo() { apply(m_document, m_after, m_before); }

}  // namespace sam3::ui
