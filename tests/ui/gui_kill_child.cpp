// The user in tst_killed_app: the real main window (offscreen, fake engine) opened the way a
// user opens work — `--folder DIR` (a session that was never saved) or `--project P` (made from
// the folder on the first run) — accepting the recovery offer, then labelling without end:
// click → prediction → Enter, now and then Ctrl+Z / Ctrl+Shift+Z. After every edit it prints
// "EDIT <n> <ids>" (the object ids the document holds, comma-separated) and flushes, so that the
// test, which SIGKILLs it at a random moment, knows what was on screen.

#include <QApplication>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>
#include <cstdio>
#include <random>

#include "FakeSegmenter.h"
#include "GuiHarness.h"
#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/controllers/ProjectController.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"

using namespace sam3;

namespace {

void report(const char* what, const ui::Document& document, int n) {
  QStringList ids;
  for (const auto& entry : document.project().objects()) ids << QString::number(entry.first);
  std::printf("%s %d %s\n", what, n, qPrintable(ids.join(QLatin1Char(','))));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QStandardPaths::setTestModeEnabled(true);
  const QStringList args = app.arguments();
  if (args.size() != 4) {
    std::fprintf(stderr, "usage: gui_kill_child --folder DIR SEED | --project DIR/P.sam3proj SEED\n");
    return 2;
  }
  auto config = std::make_shared<test::FakeEngineConfig>();
  ui::MainWindow window(nullptr, test::fakeEngine(config));
  window.resize(900, 700);
  test::showActive(window);
  QString error;
  const auto accept = [](const ui::UnsavedEdits&) { return true; };
  bool opened = false;
  if (args[1] == QLatin1String("--folder")) {
    opened = window.projects()->openSession({args[2]}, accept, &error);
  } else {  // --project P: a project of the folder P lies in, saved on the first run
    const QString project = args[2];
    opened = QFileInfo::exists(project) ? window.projects()->openProject(project, accept, &error)
                                        : window.projects()->openSession({QFileInfo(project).absolutePath()}, accept, &error) &&
                                              window.projects()->saveProjectAs(project, &error);
  }
  if (!opened) {
    std::fprintf(stderr, "gui_kill_child: %s\n", qPrintable(error));
    return 1;
  }
  report("OPEN", *window.document(), 0);
  std::mt19937 rng(args[3].toUInt());
  int n = 0;
  QTimer edits;
  edits.setInterval(30);
  QObject::connect(&edits, &QTimer::timeout, &window, [&] {
    edits.stop();
    const int action = int(rng() % 10);
    if (action == 0) {
      test::press(Qt::Key_Z, Qt::ControlModifier);
    } else if (action == 1) {
      test::press(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    } else {
      QSignalSpy ready(window.engineService(), &ui::EngineService::predictionReady);
      const QPointF at(20 + rng() % 280, 20 + rng() % 200);
      QTest::mouseClick(window.canvas(), Qt::LeftButton, Qt::NoModifier, window.canvas()->mapFromImage(at).toPoint());
      if (ready.wait(5000)) test::press(Qt::Key_Return);
    }
    report("EDIT", *window.document(), ++n);
    edits.start();
  });
  edits.start();
  return app.exec();
}
