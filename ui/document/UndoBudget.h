#pragma once
// Bounds the memory the undo history holds: when the steps' values (ValueCommand::bytes) pass
// the budget after a new step, the oldest steps are dropped until the rest fits in three
// quarters of it (QUndoStack cannot drop its oldest commands: the history is rebuilt from
// copies of the kept steps, marked as done). The History dock says how many were dropped.

#include <QObject>
#include <cstddef>

class QUndoCommand;
class QUndoStack;

namespace sam3::ui {

class UndoBudget : public QObject {
  Q_OBJECT

 public:
  static constexpr size_t kDefaultBytes = size_t(256) << 20;  // setting undo/budgetMB

  UndoBudget(QUndoStack* stack, size_t bytes, QObject* parent = nullptr);
  void setBytes(size_t bytes) { m_budget = bytes; }
  size_t budget() const { return m_budget; }
  size_t historyBytes() const;  // what the steps hold now
  int droppedSteps() const { return m_dropped; }
  void reset();  // a new document

 Q_SIGNALS:
  void trimmed(int droppedSteps);

 private:
  void trimIfOver();

  QUndoStack* m_stack;
  size_t m_budget;
  int m_dropped = 0;
  bool m_rebuilding = false;
  int m_countedSteps = 0;                     // what m_countedBytes covers:
  const QUndoCommand* m_countedTop = nullptr;  // that many steps, this one on top
  size_t m_countedBytes = 0;
};

}  // namespace sam3::ui
