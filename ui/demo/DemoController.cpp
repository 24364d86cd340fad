#include "ui/demo/DemoController.h"

#include <QApplication>
#include <QUndoStack>

#include "ui/support/SampleImages.h"
#include "ui/controllers/FolderController.h"
#include "ui/demo/DemoPanel.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"
#include "ui/session/PromptSession.h"
#include "ui/session/PromptSession.h"
#include "ui/support/Settings.h"

namespace sam3::ui {

DemoController::DemoController(DemoPanel* panel, Document* document, LabelSession* session, FolderController* folders,
                               EngineService* engine, QObject* parent)
    : QObject(parent), m_panel(panel), m_document(document), m_session(session), m_folders(folders) {
  m_idle.setSingleShot(true);
  m_idle.setInterval(settings::demoIdleSeconds().get() * 1000);
  connect(&m_idle, &QTimer::timeout, this, &DemoController::reset);
  connect(m_session->prompt(), &PromptSession::changed, this, &DemoController::updateHint);
  connect(m_document, &Document::objectsChanged, this, [this] {
    if (!m_running) return;
    m_kept = !m_document->project().objects().empty();
    updateHint();
  });
  connect(engine, &EngineService::predictionReady, this, [this](quint64, const segment::Prediction& prediction) {
    if (m_running) m_panel->setLatency(tr("Answered in %1 ms").arg(qRound(prediction.milliseconds)));
  });
  connect(m_panel, &DemoPanel::keepClicked, this, [this] { m_session->acceptSimilarCandidates() || m_session->acceptLiveMask(); });
  // Undo takes back what the visitor sees change: a click in progress first (it removed the
  // object kept before), then the kept objects.
  connect(m_panel, &DemoPanel::undoClicked, this, [this] {
    if (!m_session->prompt()->prompt().empty()) {
      m_session->clearPrompt();
    } else {
      m_document->undoStack()->undo();
    }
  });
  connect(m_panel, &DemoPanel::resetClicked, this, &DemoController::reset);
  connect(m_panel, &DemoPanel::nextClicked, this, [this] { showSample((m_folders->folder().current() + 1) % int(sampleImages().size())); });
  connect(m_panel, &DemoPanel::sampleChosen, this, &DemoController::showSample);
  connect(m_panel, &DemoPanel::leaveClicked, this, &DemoController::leaveRequested);
}

void DemoController::start() {
  m_running = true;
  QStringList samples;
  for (const SampleImage& s : sampleImages()) samples << s.resourcePath;
  m_folders->openList(samples);
  qApp->installEventFilter(this);
  reset();
}

void DemoController::stop() {
  m_running = false;
  m_idle.stop();
  qApp->removeEventFilter(this);
}

void DemoController::reset() {
  std::vector<int64_t> ids;
  for (const auto& entry : m_document->project().objects()) ids.push_back(entry.first);
  m_document->removeObjects(ids, /*includeLocked=*/true);
  m_document->undoStack()->clear();
  m_session->clearPrompt();
  m_panel->setLatency(QString());
  showSample(0);
  if (m_running) m_idle.start();
}

void DemoController::showSample(int index) {
  m_session->clearPrompt();
  m_folders->showImageAt(index);
  m_panel->setCurrentSample(index);
  m_kept = false;
  updateHint();
}

void DemoController::updateHint() {
  const size_t clicks = m_session->prompt()->prompt().clicks.size();
  if (clicks == 0) {
    m_panel->setHint(m_kept ? tr("Kept! Click another object — or Next Picture") : tr("Click an object"));
  } else if (clicks == 1) {
    m_panel->setHint(tr("Click again to refine, right-click to exclude · Enter keeps it"));
  } else {
    m_panel->setHint(tr("Press Enter to keep it"));
  }
}

bool DemoController::eventFilter(QObject* watched, QEvent* event) {
  const QEvent::Type type = event->type();
  // Keys that are shortcuts never arrive as KeyPress here; their ShortcutOverride does.
  if (type == QEvent::MouseButtonPress || type == QEvent::KeyPress || type == QEvent::ShortcutOverride || type == QEvent::Wheel ||
      type == QEvent::TouchBegin) {
    m_idle.start();  // a visitor is here
  }
  return QObject::eventFilter(watched, event);
}

}  // namespace sam3::ui
