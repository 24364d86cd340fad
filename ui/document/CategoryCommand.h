#pragma once
// Undo command for classes: the category before and after (nullopt = absent), by value.

#include <optional>

#include "engine/annotation/Category.h"
#include "ui/document/ValueCommand.h"

namespace sam3::ui {

class Document;

class CategoryCommand : public ValueCommand {
 public:
  CategoryCommand(Document* document, const QString& text, std::optional<annotation::Category> before,
                  std::optional<annotation::Category> after, QUndoCommand* parent = nullptr);
  size_t bytes() const override { return sizeof(*this) + 256; }
  ValueCommand* copyAsDone(QUndoCommand* parent) const override;

 protected:
  void apply(bool forward) override;

 private:
  static void apply(Document* document, const std::optional<annotation::Category>& from,
                    const std::optional<annotation::Category>& to);

  Document* m_document;
  std::optional<annotation::Category> m_before, m_after;
};

}  // namespace sam3::ui
