#pragma once
// Undo command for classes: the category before and after (nullopt = absent), by value.

#include <QUndoCommand>
#include <optional>

#include "engine/annotation/Category.h"

namespace sam3::ui {

class Document;

class CategoryCommand : public QUndoCommand {
 public:
  CategoryCommand(Document* document, const QString& text, std::optional<annotation::Category> before,
                  std::optional<annotation::Category> after);
  void redo() override;
  void undo() override;

 private:
  static void apply(Document* document, const std::optional<annotation::Category>& from,
                    const std::optional<annotation::Category>& to);

  Document* m_document;
  std::optional<annotation::Category> m_before, m_after;
};

}  // namespace sam3::ui
