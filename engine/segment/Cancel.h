#pragma once
// The one cancellation token, from the GUI's dialogs and engine thread down to the engines'
// long steps: whoever holds a copy may cancel it, long steps poll it. A CancelStream hands out
// a fresh token per piece of background work and cancels the previous one (pre-encoding, a
// folder batch); it replaces a generation counter that each side compared on its own.

#include <atomic>
#include <memory>

namespace sam3::segment {

class CancelToken {
 public:
  CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
  void cancel() const { m_flag->store(true); }
  bool isCancelled() const { return m_flag->load(); }

 private:
  std::shared_ptr<std::atomic<bool>> m_flag;  // shared by every copy
};

inline bool cancelled(const CancelToken& token) { return token.isCancelled(); }

// Owned by the thread that starts work; the tokens it returns travel with the work.
class CancelStream {
 public:
  // New work: what was started before is cancelled.
  CancelToken start() {
    m_current.cancel();
    m_current = CancelToken();
    return m_current;
  }
  void cancel() const { m_current.cancel(); }

 private:
  CancelToken m_current;
};

}  // namespace sam3::segment
