#pragma once
// Undo commands for objects: each holds the values before and after (never pointers), so
// add, delete, class change, mask stroke, merge and split are all one command each.

#include <vector>

#include "engine/annotation/AnnotationObject.h"
#include "ui/document/ValueCommand.h"

namespace sam3::ui {

class Document;

class ReplaceObjectsCommand : public ValueCommand {
 public:
  // redo(): removes `before` (by id) and puts `after`; undo() the reverse.
  ReplaceObjectsCommand(Document* document, const QString& text, std::vector<annotation::AnnotationObject> before,
                        std::vector<annotation::AnnotationObject> after, QUndoCommand* parent = nullptr);
  size_t bytes() const override { return m_bytes; }
  ValueCommand* copyAsDone(QUndoCommand* parent) const override;

 protected:
  void apply(bool forward) override;

 private:
  static void apply(Document* document, const std::vector<annotation::AnnotationObject>& remove,
                    const std::vector<annotation::AnnotationObject>& put);

  Document* m_document;
  std::vector<annotation::AnnotationObject> m_before, m_after;
  size_t m_bytes = 0;
};

}  // namespace sam3::ui
