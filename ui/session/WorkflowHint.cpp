#include "ui/session/WorkflowHint.h"

#include <QCoreApplication>

#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"
#include "ui/session/PromptSession.h"

namespace sam3::ui {
namespace {
QString tr(const char* text) { return QCoreApplication::translate("WorkflowHint", text); }
}  // namespace

QString workflowHint(const LabelSession& session) {
  if (session.imageId() == 0) return tr("Open an image (Ctrl+O) or a folder (Ctrl+K) to start");
  if (session.everythingRunning()) return tr("Segmenting everything… · Esc cancels");
  if (!session.similarCandidates().empty()) {
    return tr("Orange: the objects found · click one to drop it · Enter keeps them all · Esc discards them");
  }
  if (!session.liveMask().empty()) {
    return session.candidateCount() > 1
               ? tr("Enter keeps it · Tab: other shapes · click again to refine, right-click to exclude · Esc clears")
               : tr("Enter keeps it · click again to refine, right-click to exclude · Esc clears");
  }
  if (!session.prompt()->prompt().empty()) return tr("Waiting for the mask… · Esc clears");
  return session.engine()->engine().capabilities.text
             ? tr("Click an object (right-click excludes) · B: drag a box · T: find by text · F1: all keys")
             : tr("Click an object (right-click excludes) · B: drag a box · F1: all keys");
}

}  // namespace sam3::ui
