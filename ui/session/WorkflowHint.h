#pragma once
// The one-line hint of the normal window (like the demo's instruction line): what a click, Tab,
// Enter and Esc do right now, from the session's state.

#include <QString>

namespace sam3::ui {

class LabelSession;

QString workflowHint(const LabelSession& session);

}  // namespace sam3::ui
