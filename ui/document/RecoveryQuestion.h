#pragma once
// What opening a project asks about the edits a crash left in its journal, and the answer's type.

#include <QDateTime>
#include <functional>

namespace sam3::ui {

struct UnsavedEdits {
  int changes = 0;     // journal entries: one object, class or image each
  QDateTime lastEdit;  // when the journal was last written
};
// True replays the edits (and saves them into the project at once); false keeps them as a dated
// backup beside the journal for a week (io::ProjectJournal::setAside).
using RecoveryQuestion = std::function<bool(const UnsavedEdits&)>;

}  // namespace sam3::ui
