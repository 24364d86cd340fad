#pragma once
// The base of the document's undo commands: each holds values (never pointers), says how much
// memory it holds, and can be copied as already done (UndoBudget rebuilds a trimmed history from
// such copies: their first redo() must not apply again what the document already shows).

#include <QUndoCommand>
#include <cstddef>
#include <utility>

namespace sam3::ui {

class ValueCommand : public QUndoCommand {
 public:
  using QUndoCommand::QUndoCommand;
  virtual size_t bytes() const = 0;
  // A copy (child of `parent` when given) whose first redo() does nothing.
  virtual ValueCommand* copyAsDone(QUndoCommand* parent) const = 0;

  void redo() final {
    if (!std::exchange(m_skipRedo, false)) apply(true);
  }
  void undo() final { apply(false); }

 protected:
  virtual void apply(bool forward) = 0;
  void skipFirstRedo() { m_skipRedo = true; }

 private:
  bool m_skipRedo = false;
};

}  // namespace sam3::ui
