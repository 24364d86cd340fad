#pragma once
// A cancel token for a stream of background work: the GUI thread starts work (the newest
// generation) or cancels it; the engine thread checks whether what it is doing is still wanted.

#include <QtGlobal>
#include <atomic>

namespace sam3::ui {

class WorkGeneration {
 public:
  // New work: everything of older generations is abandoned. Returns the new generation.
  quint64 start() { return ++m_value; }
  void cancel() { ++m_value; }
  bool isCurrent(quint64 generation) const { return generation == m_value.load(); }

 private:
  std::atomic<quint64> m_value{0};
};

}  // namespace sam3::ui
