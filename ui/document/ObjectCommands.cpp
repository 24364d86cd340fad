#include "ui/document/ObjectCommands.h"

#include "ui/document/Document.h"

#include <set>

namespace sam3::ui {

namespace {

size_t bytesOf(const annotation::AnnotationObject& o) {
  // The run lengths dominate; the prompt history is measured as the JSON it is saved as.
  return sizeof(o) + o.mask.counts.capacity() * sizeof(uint32_t) + o.source.capacity() +
         (o.promptHistory.empty() ? 0 : o.promptHistory.dump().size());
}

}  // namespace

ReplaceObjectsCommand::ReplaceObjectsCommand(Document* document, const QString& text,
                                             std::vector<annotation::AnnotationObject> before,
                                             std::vector<annotation::AnnotationObject> after, QUndoCommand* parent)
    : ValueCommand(parent), m_document(document), m_before(std::move(before)), m_after(std::move(after)) {
  setText(text);
  m_bytes = sizeof(*this) + size_t(text.size()) * 2;
  for (const auto* list : {&m_before, &m_after})
    for (const auto& object : *list) m_bytes += bytesOf(object);
}

ValueCommand* ReplaceObjectsCommand::copyAsDone(QUndoCommand* parent) const {
  auto* copy = new ReplaceObjectsCommand(m_document, text(), m_before, m_after, parent);
  copy->skipFirstRedo();
  return copy;
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

void ReplaceObjectsCommand::apply(bool forward) {
  if (forward) {
    apply(m_document, m_before, m_after);
  } else {
    apply(m_document, m_after, m_before);
  }
}

}  // namespace sam3::ui
