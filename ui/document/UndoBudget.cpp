#include "ui/document/UndoBudget.h"

#include <QUndoStack>
#include <utility>
#include <vector>

#include "ui/support/AppLogging.h"
#include "ui/document/ValueCommand.h"

namespace sam3::ui {
namespace {

// A step is one of our commands or a macro (a plain command) holding them.
size_t stepBytes(const QUndoCommand* step) {
  if (const auto* value = dynamic_cast<const ValueCommand*>(step)) return value->bytes();
  size_t bytes = sizeof(QUndoCommand);
  for (int i = 0; i < step->childCount(); ++i) bytes += stepBytes(step->child(i));
  return bytes;
}

QUndoCommand* copyAsDone(const QUndoCommand* step, QUndoCommand* parent = nullptr) {
  if (const auto* value = dynamic_cast<const ValueCommand*>(step)) return value->copyAsDone(parent);
  auto* macro = new QUndoCommand(step->text(), parent);
  for (int i = 0; i < step->childCount(); ++i) copyAsDone(step->child(i), macro);
  return macro;
}

}  // namespace

UndoBudget::UndoBudget(QUndoStack* stack, size_t bytes, QObject* parent) : QObject(parent), m_stack(stack), m_budget(bytes) {
  // indexChanged comes after a push (after endMacro for a macro), never in the middle of one.
  connect(m_stack, &QUndoStack::indexChanged, this, &UndoBudget::trimIfOver);
}

size_t UndoBudget::historyBytes() const {
  size_t total = 0;
  for (int i = 0; i < m_stack->count(); ++i) total += stepBytes(m_stack->command(i));
  return total;
}

void UndoBudget::reset() {
  m_countedSteps = 0;
  m_countedTop = nullptr;
  m_countedBytes = 0;
  if (std::exchange(m_dropped, 0) != 0) Q_EMIT trimmed(0);
}

void UndoBudget::trimIfOver() {
  // Only after a new step (nothing to redo): copies of undone steps would have to be undone too.
  if (m_rebuilding || m_budget == 0 || m_stack->index() != m_stack->count()) return;
  const int count = m_stack->count();
  // One new step on top of the steps counted before adds its bytes; anything else (a push that
  // dropped undone steps, a clear) counts them all again. Walking every step on every push cost
  // O(history) per edit.
  const QUndoCommand* top = count > 0 ? m_stack->command(count - 1) : nullptr;
  if (count == m_countedSteps + 1 && (count == 1 || m_stack->command(count - 2) == m_countedTop)) {
    m_countedBytes += stepBytes(top);
  } else if (count != m_countedSteps || top != m_countedTop) {
    m_countedBytes = historyBytes();
  }
  m_countedSteps = count;
  m_countedTop = top;
  if (m_countedBytes <= m_budget) return;
  int keepFrom = count - 1;  // the newest step always stays
  size_t kept = stepBytes(m_stack->command(keepFrom));
  while (keepFrom > 0 && kept + stepBytes(m_stack->command(keepFrom - 1)) <= m_budget / 4 * 3) kept += stepBytes(m_stack->command(--keepFrom));
  const int cleanIndex = m_stack->cleanIndex();
  std::vector<QUndoCommand*> copies;
  for (int i = keepFrom; i < count; ++i) copies.push_back(copyAsDone(m_stack->command(i)));
  m_rebuilding = true;
  m_stack->clear();
  for (size_t j = 0; j < copies.size(); ++j) {
    if (cleanIndex == keepFrom + int(j)) m_stack->setClean();
    m_stack->push(copies[j]);  // its first redo does nothing
  }
  if (cleanIndex == count) {
    m_stack->setClean();
  } else if (cleanIndex < keepFrom) {
    m_stack->resetClean();  // the saved state is no longer reachable by undo
  }
  m_rebuilding = false;
  m_countedSteps = m_stack->count();
  m_countedTop = m_stack->command(m_countedSteps - 1);
  m_countedBytes = kept;
  m_dropped += keepFrom;
  qCInfo(lcUi).noquote() << "undo history over its budget:" << keepFrom << "oldest steps dropped," << kept << "bytes kept";
  Q_EMIT trimmed(m_dropped);
}

}  // namespace sam3::ui
