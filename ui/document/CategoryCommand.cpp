#include "ui/document/CategoryCommand.h"

#include "ui/document/Document.h"

namespace sam3::ui {

CategoryCommand::CategoryCommand(Document* document, const QString& text, std::optional<annotation::Category> before,
                                 std::optional<annotation::Category> after, QUndoCommand* parent)
    : ValueCommand(parent), m_document(document), m_before(std::move(before)), m_after(std::move(after)) {
  setText(text);
}

ValueCommand* CategoryCommand::copyAsDone(QUndoCommand* parent) const {
  auto* copy = new CategoryCommand(m_document, text(), m_before, m_after, parent);
  copy->skipFirstRedo();
  return copy;
}

void CategoryCommand::apply(Document* document, const std::optional<annotation::Category>& from,
                            const std::optional<annotation::Category>& to) {
  if (to) {
    document->putCategoryDirect(*to);
  } else if (from) {
    document->removeCategoryDirect(from->id);
  }
}

void CategoryCommand::apply(bool forward) {
  if (forward) {
    apply(m_document, m_before, m_after);
  } else {
    apply(m_document, m_after, m_before);
  }
}

}  // namespace sam3::ui
