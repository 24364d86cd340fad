#pragma once
// Demo mode's workflow, for a visitor who never saw the app: the instruction line follows what
// they do ("Click an object" → "Click again to refine, right-click to exclude" → "Press Enter
// to keep it" → "Kept!…"), the latency of each answer is shown large, Undo / Start Over / Next
// picture / the gallery act on the bundled samples, any input restarts the idle timer, and
// after a few idle minutes (setting demo/idleSeconds, default 180) the demo starts over by
// itself. The window hides its docks and bars around it; Esc with nothing in progress, or the
// Leave button, ends it.

#include <QObject>
#include <QTimer>

namespace sam3::ui {

class DemoPanel;
class Document;
class EngineService;
class FolderController;
class LabelSession;

class DemoController : public QObject {
  Q_OBJECT

 public:
  DemoController(DemoPanel* panel, Document* document, LabelSession* session, FolderController* folders, EngineService* engine,
                 QObject* parent = nullptr);

  void start();  // the samples, from the first; the start hint
  void stop();
  void reset();  // every object gone, no undo, the first sample, the start hint
  bool isRunning() const { return m_running; }
  int idleMilliseconds() const { return m_idle.interval(); }
  void setIdleMilliseconds(int ms) { m_idle.setInterval(ms); }

 Q_SIGNALS:
  void leaveRequested();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void updateHint();
  void showSample(int index);

  DemoPanel* m_panel;
  Document* m_document;
  LabelSession* m_session;
  FolderController* m_folders;
  QTimer m_idle;
  bool m_running = false;
  bool m_kept = false;  // an object was kept since the picture was shown
};

}  // namespace sam3::ui
